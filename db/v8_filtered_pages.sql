-- Version 8: the filtered dashboard and the busiest councils' pages. Three summaries
-- kept true by triggers on the fact tables whatever writes them, and filled once from
-- the facts of a database that has none:
--   article_council_kinds   which articles name a council of each nation, type and both
--                           (the dashboard's nation and type filters);
--   service_council_counts  articles and mentions per service and council (the map
--                           under a service filter, a council page's services);
--   council_money_figures           the council-level pound figures per council (money_councils
--                           with their role and amount: a council page's money, the
--                           savings panel).

-- The kinds of place each council is: one row per council and kind ('nation', 'type',
-- 'nation_type' as 'Nation|type'); the dashboard's filters name one of them.
DROP VIEW IF EXISTS council_kinds;
CREATE VIEW council_kinds AS
SELECT code, 'nation' AS kind, nation AS value FROM councils WHERE nation IS NOT NULL
UNION ALL
SELECT code, 'type', type FROM councils WHERE type IS NOT NULL
UNION ALL
SELECT code, 'nation_type', nation || '|' || type FROM councils
WHERE nation IS NOT NULL AND type IS NOT NULL;

-- One row per article and kind of council it names, with its date ('' when undated):
-- in date order within a kind, for the filtered chart and the newest articles.
CREATE TABLE IF NOT EXISTS article_council_kinds (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    published TEXT NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (kind, value, published, article_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_article_council_kinds_article
    ON article_council_kinds(article_id, kind, value);

INSERT OR IGNORE INTO article_council_kinds (kind, value, published, article_id)
SELECT DISTINCT k.kind, k.value, coalesce(a.published, ''), m.article_id
FROM council_mentions m
JOIN council_kinds k ON k.code = m.code
JOIN articles a ON a.id = m.article_id
WHERE NOT EXISTS (SELECT 1 FROM article_council_kinds);

CREATE TRIGGER IF NOT EXISTS article_council_kinds_ai AFTER INSERT ON council_mentions
WHEN NOT EXISTS (SELECT 1 FROM council_mentions  -- its first mention in the article
                 WHERE code = new.code AND article_id = new.article_id AND id != new.id)
BEGIN
    INSERT OR IGNORE INTO article_council_kinds (kind, value, published, article_id)
    SELECT kind, value,
           coalesce((SELECT published FROM articles WHERE id = new.article_id), ''),
           new.article_id
    FROM council_kinds WHERE code = new.code;
END;

CREATE TRIGGER IF NOT EXISTS article_council_kinds_ad AFTER DELETE ON council_mentions BEGIN
    DELETE FROM article_council_kinds
    WHERE article_id = old.article_id
      AND (kind, value) IN (SELECT kind, value FROM council_kinds WHERE code = old.code)
      AND NOT EXISTS (  -- another of its councils of that kind (council_kinds, per row)
          SELECT 1 FROM council_mentions m JOIN councils c ON c.code = m.code
          WHERE m.article_id = old.article_id
            AND CASE article_council_kinds.kind WHEN 'nation' THEN c.nation
                     WHEN 'type' THEN c.type ELSE c.nation || '|' || c.type END
                = article_council_kinds.value);
END;

CREATE TRIGGER IF NOT EXISTS article_council_kinds_au AFTER UPDATE OF published ON articles
WHEN old.published IS NOT new.published BEGIN
    UPDATE article_council_kinds SET published = coalesce(new.published, '')
    WHERE article_id = new.id;
END;

CREATE TRIGGER IF NOT EXISTS article_council_kinds_articles_ad AFTER DELETE ON articles BEGIN
    DELETE FROM article_council_kinds WHERE article_id = old.id;
END;

-- A council whose nation or type changes (the reference data) moves its articles.
CREATE TRIGGER IF NOT EXISTS article_council_kinds_councils_au
AFTER UPDATE OF nation, type ON councils
WHEN old.nation IS NOT new.nation OR old.type IS NOT new.type BEGIN
    DELETE FROM article_council_kinds
    WHERE article_id IN (SELECT article_id FROM council_mentions WHERE code = new.code);
    INSERT OR IGNORE INTO article_council_kinds (kind, value, published, article_id)
    SELECT k.kind, k.value, coalesce(a.published, ''), m.article_id
    FROM council_mentions m
    JOIN council_kinds k ON k.code = m.code
    JOIN articles a ON a.id = m.article_id
    WHERE m.article_id IN (SELECT article_id FROM council_mentions WHERE code = new.code);
END;

-- Per service and council: the articles naming both, and the council's mentions in them.
CREATE TABLE IF NOT EXISTS service_council_counts (
    service TEXT NOT NULL,
    code TEXT NOT NULL,
    articles INTEGER NOT NULL,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (service, code)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_service_council_counts_code
    ON service_council_counts(code, articles);

INSERT INTO service_council_counts (service, code, articles, mentions)
SELECT s.service, m.code, count(DISTINCT m.article_id), count(*)
FROM (SELECT DISTINCT article_id, service FROM service_mentions) s
JOIN council_mentions m ON m.article_id = s.article_id
WHERE NOT EXISTS (SELECT 1 FROM service_council_counts)
GROUP BY s.service, m.code;

CREATE TRIGGER IF NOT EXISTS service_council_counts_ai AFTER INSERT ON council_mentions BEGIN
    INSERT INTO service_council_counts (service, code, articles, mentions)
    SELECT DISTINCT service, new.code,
           NOT EXISTS (SELECT 1 FROM council_mentions
                       WHERE code = new.code AND article_id = new.article_id AND id != new.id),
           1
    FROM service_mentions WHERE article_id = new.article_id
    ON CONFLICT (service, code) DO UPDATE
        SET articles = articles + excluded.articles, mentions = mentions + 1;
END;

CREATE TRIGGER IF NOT EXISTS service_council_counts_ad AFTER DELETE ON council_mentions BEGIN
    UPDATE service_council_counts
    SET mentions = mentions - 1,
        articles = articles - NOT EXISTS (SELECT 1 FROM council_mentions
                                          WHERE code = old.code AND article_id = old.article_id)
    WHERE code = old.code
      AND service IN (SELECT service FROM service_mentions WHERE article_id = old.article_id);
    DELETE FROM service_council_counts WHERE code = old.code AND mentions <= 0;
END;

CREATE TRIGGER IF NOT EXISTS service_council_counts_services_ai AFTER INSERT ON service_mentions
WHEN NOT EXISTS (SELECT 1 FROM service_mentions
                 WHERE article_id = new.article_id AND service = new.service AND id != new.id)
BEGIN
    INSERT INTO service_council_counts (service, code, articles, mentions)
    SELECT new.service, code, 1, count(*) FROM council_mentions
    WHERE article_id = new.article_id GROUP BY code
    ON CONFLICT (service, code) DO UPDATE
        SET articles = articles + 1, mentions = mentions + excluded.mentions;
END;

CREATE TRIGGER IF NOT EXISTS service_council_counts_services_ad AFTER DELETE ON service_mentions
WHEN NOT EXISTS (SELECT 1 FROM service_mentions
                 WHERE article_id = old.article_id AND service = old.service)
BEGIN
    UPDATE service_council_counts
    SET articles = articles - 1,
        mentions = mentions - (SELECT count(*) FROM council_mentions m
                               WHERE m.article_id = old.article_id
                                 AND m.code = service_council_counts.code)
    WHERE service = old.service
      AND code IN (SELECT code FROM council_mentions WHERE article_id = old.article_id);
    DELETE FROM service_council_counts WHERE service = old.service AND mentions <= 0;
END;

-- The councils each council-level pound figure belongs to, as in version 6, with the
-- figure's article: a trigger that works out one article's figures again reads only theirs.
DROP VIEW IF EXISTS money_councils;
CREATE VIEW money_councils AS
SELECT DISTINCT mm.id AS money_id, cm.code, 'named in its sentence' AS basis, mm.article_id
FROM money_mentions mm
JOIN council_mentions cm ON cm.article_id = mm.article_id AND cm.sentence = mm.sentence
UNION ALL
SELECT x.money_id,
       (SELECT code FROM council_mentions WHERE article_id = x.article_id
        GROUP BY code ORDER BY count(*) DESC, min(start) LIMIT 1) AS code,
       'the article''s main council' AS basis, x.article_id
FROM money_sentence_signals x
WHERE NOT x.names_council AND NOT x.general AND x.the_council
  AND EXISTS (SELECT 1 FROM council_mentions WHERE article_id = x.article_id);

-- The council-level pound figures, one row per figure and council (money_councils), with
-- the figure's role and amount: in order of amount per council and role.
CREATE TABLE IF NOT EXISTS council_money_figures (
    money_id INTEGER NOT NULL,
    code TEXT NOT NULL,
    article_id INTEGER NOT NULL,
    role TEXT NOT NULL,
    amount_gbp REAL NOT NULL,
    basis TEXT NOT NULL,
    PRIMARY KEY (money_id, code)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_council_money_figures_code ON council_money_figures(code, role, amount_gbp);
CREATE INDEX IF NOT EXISTS idx_council_money_figures_article ON council_money_figures(article_id);

-- council_money_figures's rows worked out from the facts (a trigger picks one figure's or one
-- article's: the condition reaches into money_councils_once, made by the migration before
-- this script: money_councils with each sentence's signals worked out once).
DROP VIEW IF EXISTS council_money_figures_facts;
CREATE VIEW council_money_figures_facts AS
SELECT mc.money_id, mc.code, mc.article_id, mm.role, mm.amount_gbp, mc.basis
FROM money_councils_once mc JOIN money_mentions mm ON mm.id = mc.money_id;

INSERT OR IGNORE INTO council_money_figures SELECT * FROM council_money_figures_facts
WHERE NOT EXISTS (SELECT 1 FROM council_money_figures);

CREATE TRIGGER IF NOT EXISTS council_money_figures_ai AFTER INSERT ON money_mentions
WHEN EXISTS (SELECT 1 FROM council_mentions WHERE article_id = new.article_id) BEGIN
    INSERT OR IGNORE INTO council_money_figures SELECT * FROM council_money_figures_facts WHERE money_id = new.id;
END;

CREATE TRIGGER IF NOT EXISTS council_money_figures_ad AFTER DELETE ON money_mentions BEGIN
    DELETE FROM council_money_figures WHERE money_id = old.id;
END;

CREATE TRIGGER IF NOT EXISTS council_money_figures_au AFTER UPDATE ON money_mentions BEGIN
    DELETE FROM council_money_figures WHERE money_id = old.id;
    INSERT OR IGNORE INTO council_money_figures SELECT * FROM council_money_figures_facts WHERE money_id = new.id;
END;

-- A figure's councils follow its article's council mentions (the sentence's councils,
-- the article's main council): an article's figures are worked out again when they change.
CREATE TRIGGER IF NOT EXISTS council_money_figures_councils_ai AFTER INSERT ON council_mentions
WHEN EXISTS (SELECT 1 FROM money_mentions WHERE article_id = new.article_id) BEGIN
    DELETE FROM council_money_figures WHERE article_id = new.article_id;
    INSERT OR IGNORE INTO council_money_figures
    SELECT * FROM council_money_figures_facts WHERE article_id = new.article_id;
END;

CREATE TRIGGER IF NOT EXISTS council_money_figures_councils_ad AFTER DELETE ON council_mentions
WHEN EXISTS (SELECT 1 FROM money_mentions WHERE article_id = old.article_id) BEGIN
    DELETE FROM council_money_figures WHERE article_id = old.article_id;
    INSERT OR IGNORE INTO council_money_figures
    SELECT * FROM council_money_figures_facts WHERE article_id = old.article_id;
END;
