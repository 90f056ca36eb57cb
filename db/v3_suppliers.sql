-- Migration 3, suppliers and contracts (extraction contract §7): the supplier table and
-- its press names (reference data, upserted by the loader), each article's supplier
-- mentions and the contracts it reports, with their councils and services. The fact
-- tables are replaced per article like the others (db/store.py).

CREATE TABLE supplier_sectors (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL
);

CREATE TABLE suppliers (
    id TEXT PRIMARY KEY,                   -- slug of the group's name: capita, sopra-steria
    name TEXT NOT NULL,
    company_number TEXT,                   -- Companies House, as on the public register
    register_name TEXT,                    -- a name the register publishes that number under
    parent TEXT,
    sector TEXT REFERENCES supplier_sectors(id)
);
CREATE INDEX idx_suppliers_company_number ON suppliers(company_number);

-- Every name a supplier goes by in the press: its own, the variants, with kind `name`
-- (links on its own) or `context` (only where the text shows a company is meant).
CREATE TABLE supplier_names (
    supplier_id TEXT NOT NULL REFERENCES suppliers(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (supplier_id, name)
);
CREATE INDEX idx_supplier_names_name ON supplier_names(name COLLATE NOCASE);

CREATE TABLE supplier_mentions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentence TEXT NOT NULL,
    nlp_version TEXT NOT NULL
);
CREATE INDEX idx_supplier_mentions_article ON supplier_mentions(article_id);
CREATE INDEX idx_supplier_mentions_supplier ON supplier_mentions(supplier_id, article_id);

-- One row per (council set, supplier) an article reports a contract for.
CREATE TABLE contracts (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
    value_gbp REAL,
    period TEXT,                           -- total or year
    years REAL,                            -- the term
    start_date TEXT,                       -- ISO, or partial: 2013, 2019-04
    end_date TEXT,
    status TEXT NOT NULL,                  -- tendered, awarded, extended, ended, terminated, disputed, insourced
    start INTEGER NOT NULL,                -- the sentence's offsets in articles.body
    "end" INTEGER NOT NULL,
    sentence TEXT NOT NULL,
    nlp_version TEXT NOT NULL
);
CREATE INDEX idx_contracts_article ON contracts(article_id);
CREATE INDEX idx_contracts_supplier ON contracts(supplier_id);

CREATE TABLE contract_councils (
    contract_id INTEGER NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    code TEXT NOT NULL REFERENCES councils(code),
    PRIMARY KEY (contract_id, code)
);
CREATE INDEX idx_contract_councils_code ON contract_councils(code);

CREATE TABLE contract_services (
    contract_id INTEGER NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    service TEXT NOT NULL REFERENCES services(id),
    PRIMARY KEY (contract_id, service)
);
