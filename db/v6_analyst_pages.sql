-- Version 6: the analyst's pages. Summary tables kept true by triggers (the map, the
-- council facet, the chart and the council pages read them instead of counting a
-- million mentions), whose each pound figure is (money_scopes and the views after it),
-- the saving each arrangement's article states (arrangement_savings, also in
-- arrangement_summary) and articles per month with the empty months.

-- What each pound figure's sentence says about whose money it is: does it name a
-- council, speak of councils in general, or of "the council"? Plural phrases about
-- particular councils ("the three councils", "both councils") are neither.
DROP VIEW IF EXISTS money_sentence_signals;
CREATE VIEW money_sentence_signals AS
SELECT mm.id AS money_id, mm.article_id,
       EXISTS (SELECT 1 FROM council_mentions cm
               WHERE cm.article_id = mm.article_id AND cm.sentence = mm.sentence) AS names_council,
       (mm.s LIKE ' councils %' OR mm.s LIKE '% all councils %' OR mm.s LIKE '% uk councils %'
        OR mm.s LIKE '% english councils %' OR mm.s LIKE '% british councils %'
        OR mm.s LIKE '% scottish councils %' OR mm.s LIKE '% welsh councils %'
        OR mm.s LIKE '% many councils %' OR mm.s LIKE '% most councils %'
        OR mm.s LIKE '% some councils %' OR mm.s LIKE '% other councils %'
        OR mm.s LIKE '% councils across %' OR mm.s LIKE '% councils in england %'
        OR mm.s LIKE '% councils in scotland %' OR mm.s LIKE '% councils in wales %'
        OR mm.s LIKE '% councils in the uk %' OR mm.s LIKE '% councils nationally %'
        OR mm.s LIKE '% councils have %' OR mm.s LIKE '% councils are %'
        OR mm.s LIKE '% councils could %' OR mm.s LIKE '% councils must %'
        OR mm.s LIKE '% councils face %' OR mm.s LIKE '% councils need %'
        OR mm.s LIKE '% every council %' OR mm.s LIKE '% local authorities %'
        OR mm.s LIKE '% local government %' OR mm.s LIKE '% the sector %'
        OR mm.s LIKE '% public sector %' OR mm.s LIKE '% central government %'
        OR mm.s LIKE '% whitehall %' OR mm.s LIKE '% nationally %'
        OR mm.s LIKE '% nationwide %' OR mm.s LIKE '% across the country %') AS general,
       (mm.s LIKE '% the council %' OR mm.s LIKE '% the council''s %'
        OR mm.s LIKE '% the county council %' OR mm.s LIKE '% the city council %'
        OR mm.s LIKE '% the borough council %' OR mm.s LIKE '% the district council %'
        OR mm.s LIKE '% the authority %' OR mm.s LIKE '% the local authority %'
        OR mm.s LIKE '% the authority''s %' OR mm.s LIKE '% the district %'
        OR mm.s LIKE '% the borough %' OR mm.s LIKE '% the county %') AS the_council
FROM (
    SELECT id, article_id, sentence,
           replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
               ' ' || replace(replace(replace(replace(lower(sentence), ',', ' '), '.', ' '), ';', ' '), '’', '''') || ' ',
               ' the councils ', ' '), ' both councils ', ' '), ' two councils ', ' '),
               ' three councils ', ' '), ' four councils ', ' '), ' five councils ', ' '),
               ' these councils ', ' '), ' partner councils ', ' '), ' member councils ', ' '),
               ' neighbouring councils ', ' ') AS s
    FROM money_mentions
) mm;

-- Whose each pound figure is: 'council' (the councils its sentence names or, when it
-- names none but speaks of "the council", the article's main council: the one it
-- names most often, first named on a tie), 'sector' (its sentence speaks of councils
-- in general) or 'unattributed' (its sentence says neither).
DROP VIEW IF EXISTS money_scopes;
CREATE VIEW money_scopes AS
SELECT x.money_id, x.article_id,
       CASE WHEN x.names_council THEN 'council'
            WHEN x.general THEN 'sector'
            WHEN x.the_council
                 AND EXISTS (SELECT 1 FROM council_mentions WHERE article_id = x.article_id)
            THEN 'council'
            ELSE 'unattributed' END AS scope,
       CASE WHEN x.names_council THEN 'the councils its sentence names'
            WHEN x.general THEN 'its sentence speaks of councils in general'
            WHEN x.the_council
                 AND EXISTS (SELECT 1 FROM council_mentions WHERE article_id = x.article_id)
            THEN 'the article''s main council (the sentence says "the council")'
            ELSE 'its sentence names no council' END AS basis,
       CASE WHEN x.names_council THEN
                (SELECT group_concat(code, ', ') FROM (
                    SELECT DISTINCT cm.code FROM council_mentions cm JOIN money_mentions mm
                      ON mm.id = x.money_id AND cm.article_id = mm.article_id
                     AND cm.sentence = mm.sentence
                    ORDER BY cm.code))
            WHEN NOT x.general AND x.the_council THEN
                (SELECT code FROM council_mentions WHERE article_id = x.article_id
                 GROUP BY code ORDER BY count(*) DESC, min(start) LIMIT 1)
       END AS codes
FROM money_sentence_signals x;

-- The councils each council-level pound figure belongs to (one row per figure and council).
DROP VIEW IF EXISTS money_councils;
CREATE VIEW money_councils AS
SELECT DISTINCT mm.id AS money_id, cm.code, 'named in its sentence' AS basis
FROM money_mentions mm
JOIN council_mentions cm ON cm.article_id = mm.article_id AND cm.sentence = mm.sentence
UNION ALL
SELECT x.money_id,
       (SELECT code FROM council_mentions WHERE article_id = x.article_id
        GROUP BY code ORDER BY count(*) DESC, min(start) LIMIT 1) AS code,
       'the article''s main council' AS basis
FROM money_sentence_signals x
WHERE NOT x.names_council AND NOT x.general AND x.the_council
  AND EXISTS (SELECT 1 FROM council_mentions WHERE article_id = x.article_id);

-- Researchers' extract: every council-level pound figure with its council and article.
DROP VIEW IF EXISTS money_by_council;
CREATE VIEW money_by_council AS
SELECT mm.id AS money_id, mm.amount_gbp, mm.role, mm.period, mm.years,
       mc.code, c.nice_name AS council, mc.basis,
       a.id AS article_id, a.title, a.url, a.published, mm.text, mm.sentence
FROM money_councils mc
JOIN money_mentions mm ON mm.id = mc.money_id
JOIN councils c ON c.code = mc.code
JOIN articles a ON a.id = mm.article_id;

-- The saving each arrangement's article states for it: the one stated with the
-- arrangement, else a saving in the same sentence, else one the article gives for a
-- member council, else (when the article reports no other arrangement) the first
-- saving in the article that is not sector-wide. Computed row by row, so a page that
-- picks a few arrangements first pays for those only.
DROP VIEW IF EXISTS arrangement_savings;
CREATE VIEW arrangement_savings AS
SELECT ar.id AS arrangement_id,
       coalesce(ar.saving_gbp, mm.amount_gbp) AS saving_gbp,
       CASE WHEN ar.saving_gbp IS NOT NULL THEN ar.period ELSE mm.period END AS period,
       CASE WHEN ar.saving_gbp IS NULL THEN mm.years END AS years,
       mm.text AS saving_text, mm.id AS money_id,
       CASE WHEN ar.saving_gbp IS NOT NULL THEN 'stated with the arrangement'
            WHEN mm.sentence = ar.sentence THEN 'in the arrangement''s sentence'
            WHEN EXISTS (SELECT 1 FROM arrangement_councils ac
                         WHERE ac.arrangement_id = ar.id
                           AND instr(', ' || (SELECT codes FROM money_scopes WHERE money_id = mm.id)
                                     || ', ', ', ' || ac.code || ', ') > 0)
            THEN 'given in the article for a member council'
            ELSE 'given in the article' END AS saving_basis
FROM (
    SELECT a2.*,
           CASE WHEN a2.saving_gbp IS NULL THEN coalesce(
               (SELECT m.id FROM money_mentions m
                WHERE m.article_id = a2.article_id AND m.role = 'saving'
                  AND m.sentence = a2.sentence
                  AND (SELECT scope FROM money_scopes WHERE money_id = m.id) != 'sector'
                ORDER BY m.start LIMIT 1),
               (SELECT m.id FROM money_mentions m
                WHERE m.article_id = a2.article_id AND m.role = 'saving'
                  AND EXISTS (SELECT 1 FROM arrangement_councils ac
                              WHERE ac.arrangement_id = a2.id
                                AND instr(', ' || (SELECT codes FROM money_scopes WHERE money_id = m.id)
                                          || ', ', ', ' || ac.code || ', ') > 0)
                ORDER BY m.start LIMIT 1),
               (SELECT m.id FROM money_mentions m
                WHERE m.article_id = a2.article_id AND m.role = 'saving'
                  AND (SELECT count(*) FROM arrangements WHERE article_id = a2.article_id) = 1
                  AND (SELECT scope FROM money_scopes WHERE money_id = m.id) != 'sector'
                ORDER BY m.start LIMIT 1)) END AS pick
    FROM arrangements a2
) ar
LEFT JOIN money_mentions mm ON mm.id = ar.pick
WHERE ar.saving_gbp IS NOT NULL OR mm.id IS NOT NULL;

-- One row per shared-service arrangement with its member councils and services, and
-- the saving its article states for it (arrangement_savings, defined below; looked up
-- row by row, so a query that picks a few arrangements works out only theirs).
DROP VIEW IF EXISTS arrangement_summary;
CREATE VIEW arrangement_summary AS
SELECT ar.id, ar.article_id, a.title, a.source, a.published,
       substr(a.published, 1, 4) AS year,
       (SELECT group_concat(code, ', ') FROM
           (SELECT ac.code FROM arrangement_councils ac
            WHERE ac.arrangement_id = ar.id ORDER BY ac.code)) AS codes,
       (SELECT group_concat(nice_name, ', ') FROM
           (SELECT c.nice_name FROM arrangement_councils ac JOIN councils c ON c.code = ac.code
            WHERE ac.arrangement_id = ar.id ORDER BY c.nice_name)) AS councils,
       (SELECT count(*) FROM arrangement_councils ac WHERE ac.arrangement_id = ar.id) AS members,
       (SELECT group_concat(service, ', ') FROM
           (SELECT s.service FROM arrangement_services s
            WHERE s.arrangement_id = ar.id ORDER BY s.service)) AS services,
       ar.vehicle, ar.status,
       (SELECT saving_gbp FROM arrangement_savings WHERE arrangement_id = ar.id) AS saving_gbp,
       (SELECT period FROM arrangement_savings WHERE arrangement_id = ar.id) AS period,
       (SELECT years FROM arrangement_savings WHERE arrangement_id = ar.id) AS years,
       (SELECT saving_basis FROM arrangement_savings WHERE arrangement_id = ar.id) AS saving_basis,
       ar.partners, ar.sentence
FROM arrangements ar
JOIN articles a ON a.id = ar.article_id;

-- Articles per month of publication, every month from the first to the last (zero
-- when nothing was published), so gaps in coverage show.
DROP VIEW IF EXISTS articles_per_month;
CREATE VIEW articles_per_month AS
WITH counts AS (
    SELECT substr(published, 1, 7) AS month, count(*) AS articles
    FROM articles WHERE published IS NOT NULL GROUP BY month
), months(month) AS (
    SELECT min(month) FROM counts
    UNION ALL
    SELECT strftime('%Y-%m', month || '-01', '+1 month') FROM months
    WHERE month < (SELECT max(month) FROM counts)
)
SELECT months.month, coalesce(counts.articles, 0) AS articles
FROM months LEFT JOIN counts ON counts.month = months.month
WHERE months.month IS NOT NULL;

-- Council mentions per council and month of publication ('' when the article has no
-- date): the map, the most-named councils and the council pages read it instead of
-- counting a million mentions. Kept true by the triggers below whatever writes the
-- facts (process, a loader, a re-extraction); filled once from existing facts.
CREATE TABLE IF NOT EXISTS council_month_counts (
    code TEXT NOT NULL,
    month TEXT NOT NULL,
    articles INTEGER NOT NULL,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (code, month)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_council_month_counts_month ON council_month_counts(month, code);

INSERT INTO council_month_counts (code, month, articles, mentions)
SELECT m.code, coalesce(substr(a.published, 1, 7), ''), count(DISTINCT m.article_id), count(*)
FROM council_mentions m JOIN articles a ON a.id = m.article_id
WHERE NOT EXISTS (SELECT 1 FROM council_month_counts)
GROUP BY m.code, coalesce(substr(a.published, 1, 7), '');

CREATE TRIGGER IF NOT EXISTS council_month_counts_ai AFTER INSERT ON council_mentions BEGIN
    INSERT INTO council_month_counts (code, month, articles, mentions)
    VALUES (
        new.code,
        coalesce((SELECT substr(published, 1, 7) FROM articles WHERE id = new.article_id), ''),
        NOT EXISTS (SELECT 1 FROM council_mentions
                    WHERE code = new.code AND article_id = new.article_id AND id != new.id),
        1)
    ON CONFLICT (code, month) DO UPDATE
        SET articles = articles + excluded.articles, mentions = mentions + 1;
END;

CREATE TRIGGER IF NOT EXISTS council_month_counts_ad AFTER DELETE ON council_mentions BEGIN
    UPDATE council_month_counts
    SET mentions = mentions - 1,
        articles = articles - NOT EXISTS (SELECT 1 FROM council_mentions
                                          WHERE code = old.code AND article_id = old.article_id)
    WHERE code = old.code
      AND month = coalesce((SELECT substr(published, 1, 7) FROM articles WHERE id = old.article_id), '');
    DELETE FROM council_month_counts WHERE code = old.code AND mentions <= 0;
END;

CREATE TRIGGER IF NOT EXISTS council_month_counts_au AFTER UPDATE OF published ON articles
WHEN coalesce(substr(old.published, 1, 7), '') != coalesce(substr(new.published, 1, 7), '')
BEGIN
    UPDATE council_month_counts
    SET mentions = mentions - (SELECT count(*) FROM council_mentions m
                               WHERE m.article_id = new.id AND m.code = council_month_counts.code),
        articles = articles - 1
    WHERE month = coalesce(substr(old.published, 1, 7), '')
      AND code IN (SELECT code FROM council_mentions WHERE article_id = new.id);
    DELETE FROM council_month_counts WHERE mentions <= 0 AND month = coalesce(substr(old.published, 1, 7), '');
    INSERT INTO council_month_counts (code, month, articles, mentions)
    SELECT code, coalesce(substr(new.published, 1, 7), ''), 1, count(*)
    FROM council_mentions WHERE article_id = new.id GROUP BY code
    ON CONFLICT (code, month) DO UPDATE
        SET articles = articles + 1, mentions = mentions + excluded.mentions;
END;

-- Articles and mentions per council over the whole corpus (the unfiltered map, the
-- council facet): kept by triggers on council_mentions, filled once.
CREATE TABLE IF NOT EXISTS council_counts (
    code TEXT PRIMARY KEY,
    articles INTEGER NOT NULL,
    mentions INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO council_counts (code, articles, mentions)
SELECT code, count(DISTINCT article_id), count(*) FROM council_mentions
WHERE NOT EXISTS (SELECT 1 FROM council_counts)
GROUP BY code;

CREATE TRIGGER IF NOT EXISTS council_counts_ai AFTER INSERT ON council_mentions BEGIN
    INSERT INTO council_counts (code, articles, mentions)
    VALUES (new.code,
            NOT EXISTS (SELECT 1 FROM council_mentions
                        WHERE code = new.code AND article_id = new.article_id AND id != new.id),
            1)
    ON CONFLICT (code) DO UPDATE
        SET articles = articles + excluded.articles, mentions = mentions + 1;
END;

CREATE TRIGGER IF NOT EXISTS council_counts_ad AFTER DELETE ON council_mentions BEGIN
    UPDATE council_counts
    SET mentions = mentions - 1,
        articles = articles - NOT EXISTS (SELECT 1 FROM council_mentions
                                          WHERE code = old.code AND article_id = old.article_id)
    WHERE code = old.code;
    DELETE FROM council_counts WHERE code = old.code AND mentions <= 0;
END;

-- Articles per month of publication, for the dashboard's chart: kept true by triggers
-- on articles, filled once from existing rows.
CREATE TABLE IF NOT EXISTS article_month_counts (
    month TEXT PRIMARY KEY,
    articles INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO article_month_counts (month, articles)
SELECT substr(published, 1, 7), count(*) FROM articles
WHERE published IS NOT NULL AND NOT EXISTS (SELECT 1 FROM article_month_counts)
GROUP BY substr(published, 1, 7);

CREATE TRIGGER IF NOT EXISTS article_month_counts_ai AFTER INSERT ON articles
WHEN new.published IS NOT NULL BEGIN
    INSERT INTO article_month_counts (month, articles) VALUES (substr(new.published, 1, 7), 1)
    ON CONFLICT (month) DO UPDATE SET articles = articles + 1;
END;

CREATE TRIGGER IF NOT EXISTS article_month_counts_ad AFTER DELETE ON articles
WHEN old.published IS NOT NULL BEGIN
    UPDATE article_month_counts SET articles = articles - 1
    WHERE month = substr(old.published, 1, 7);
    DELETE FROM article_month_counts WHERE month = substr(old.published, 1, 7) AND articles <= 0;
END;

CREATE TRIGGER IF NOT EXISTS article_month_counts_au AFTER UPDATE OF published ON articles
WHEN coalesce(substr(old.published, 1, 7), '') != coalesce(substr(new.published, 1, 7), '')
BEGIN
    UPDATE article_month_counts SET articles = articles - 1
    WHERE old.published IS NOT NULL AND month = substr(old.published, 1, 7);
    DELETE FROM article_month_counts WHERE month = substr(old.published, 1, 7) AND articles <= 0;
    INSERT INTO article_month_counts (month, articles)
    SELECT substr(new.published, 1, 7), 1 WHERE new.published IS NOT NULL
    ON CONFLICT (month) DO UPDATE SET articles = articles + 1;
END;
