-- Migration 4, the public register: OCDS releases from Contracts Finder and Find a
-- Tender, their awards flattened, and the date windows each crawl asked for. Every
-- table is upserted on its natural key, so a re-crawl does not duplicate anything.

CREATE TABLE ocds_releases (
    ocid TEXT NOT NULL,
    id TEXT NOT NULL,                      -- the release id, unique within its ocid
    source TEXT NOT NULL,                  -- contracts-finder, find-a-tender
    date TEXT NOT NULL,                    -- as published (ISO 8601 with offset)
    date_utc TEXT NOT NULL,                -- the same moment in UTC, for ordering
    tag TEXT NOT NULL DEFAULT '[]',        -- JSON list: planning, tender, award, ...
    url TEXT,                              -- the API page it came from
    fetched_at TEXT NOT NULL,
    raw TEXT NOT NULL,                     -- the release as JSON
    PRIMARY KEY (ocid, id)
);
CREATE INDEX idx_ocds_releases_source_date ON ocds_releases(source, date_utc);

-- One row per award, from the newest release that carries it.
CREATE TABLE awards (
    ocid TEXT NOT NULL,
    award_id TEXT NOT NULL,
    source TEXT NOT NULL,
    release_id TEXT NOT NULL,
    release_date_utc TEXT NOT NULL,
    buyer_id TEXT,                         -- the buyer's party id (GB-LAE-IPS, GB-CFS-93787)
    buyer_identifier TEXT,                 -- SCHEME-ID of the buyer's identifier (GB-LAE-IPS)
    buyer_name TEXT,
    buyer_code TEXT REFERENCES councils(code), -- the council's register code, once linked
    buyer_link TEXT,                       -- how: identifier (GB-LAE) or name
    title TEXT,
    description TEXT,
    status TEXT,
    value REAL,
    currency TEXT,
    date TEXT,                             -- the award date
    date_published TEXT,
    contract_start TEXT,
    contract_end TEXT,
    cpv TEXT,
    cpv_description TEXT,
    notice_url TEXT,
    PRIMARY KEY (ocid, award_id)
);
CREATE INDEX idx_awards_buyer_code ON awards(buyer_code);
CREATE INDEX idx_awards_source ON awards(source, release_date_utc);

-- The suppliers of each award, in the order the award lists them.
CREATE TABLE award_suppliers (
    ocid TEXT NOT NULL,
    award_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    party_id TEXT,
    name TEXT NOT NULL,
    scheme TEXT,                           -- the identifier's scheme: GB-COH, GB-CFS, ...
    identifier TEXT,                       -- as published
    company_number TEXT,                   -- GB-COH identifiers, normalised (8 characters)
    supplier_id TEXT REFERENCES suppliers(id), -- the supplier table's id, once linked
    supplier_link TEXT,                    -- how: company_number or name
    PRIMARY KEY (ocid, award_id, position),
    FOREIGN KEY (ocid, award_id) REFERENCES awards(ocid, award_id) ON DELETE CASCADE
);
CREATE INDEX idx_award_suppliers_supplier ON award_suppliers(supplier_id);
CREATE INDEX idx_award_suppliers_company ON award_suppliers(company_number);

-- The date windows of each register crawl: started, then complete or incomplete (a
-- page that failed, or a crawl stopped part-way). The next crawl resumes from the
-- newest stored release, or from the start of an earlier window left incomplete.
CREATE TABLE ocds_crawl_windows (
    source TEXT NOT NULL,
    start TEXT NOT NULL,                   -- UTC, inclusive
    "end" TEXT NOT NULL,                   -- UTC, inclusive
    status TEXT NOT NULL,                  -- started, complete, incomplete, superseded
    pages INTEGER NOT NULL DEFAULT 0,
    releases INTEGER NOT NULL DEFAULT 0,
    reason TEXT,
    run_id INTEGER REFERENCES crawl_runs(id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (source, start, "end")
);
