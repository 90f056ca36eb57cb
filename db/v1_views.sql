-- Views and indexes for analysts (Datasette), schema version 1: applied once by
-- migration 1 (db/migrations.py) after v1_tables.sql, in the same transaction.
-- A changed or new view is a new migration. Column descriptions live in
-- db/datasette/metadata.yml.

-- Covering indexes for the published pages: facets, per-month counts, the map.
CREATE INDEX IF NOT EXISTS idx_articles_published_source ON articles(published, source);
CREATE INDEX IF NOT EXISTS idx_money_mentions_article_role ON money_mentions(article_id, role, amount_gbp);
CREATE INDEX IF NOT EXISTS idx_arrangement_services_service ON arrangement_services(service);

DROP VIEW IF EXISTS article_councils;
CREATE VIEW article_councils AS
SELECT DISTINCT m.article_id, m.code, c.nice_name AS council
FROM council_mentions m JOIN councils c ON c.code = m.code;

-- Each council mention with its article's date and source and the council's geography.
DROP VIEW IF EXISTS council_mention_details;
CREATE VIEW council_mention_details AS
SELECT m.id, m.article_id, a.title, a.source, a.published,
       substr(a.published, 1, 4) AS year, substr(a.published, 1, 7) AS month,
       m.code, c.nice_name AS council, c.type AS council_type, c.nation, c.region,
       m.text, m.sentence
FROM council_mentions m
JOIN articles a ON a.id = m.article_id
JOIN councils c ON c.code = m.code;

-- Each pound figure with its article's date and source.
DROP VIEW IF EXISTS money_details;
CREATE VIEW money_details AS
SELECT mm.id, mm.article_id, a.title, a.source, a.published,
       substr(a.published, 1, 4) AS year,
       mm.amount_gbp, mm.role, mm.period, mm.years, mm.text, mm.sentence
FROM money_mentions mm
JOIN articles a ON a.id = mm.article_id;

-- Each service mention with its taxonomy label and group and its article's date.
DROP VIEW IF EXISTS service_mention_details;
CREATE VIEW service_mention_details AS
SELECT sm.id, sm.article_id, a.title, a.source, a.published,
       substr(a.published, 1, 4) AS year,
       sm.service, s.label, s.service_group, sm.text, sm.sentence
FROM service_mentions sm
JOIN articles a ON a.id = sm.article_id
JOIN services s ON s.id = sm.service;

-- One row per shared-service arrangement with its member councils and services.
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
       ar.vehicle, ar.status, ar.saving_gbp, ar.period, ar.partners, ar.sentence
FROM arrangements ar
JOIN articles a ON a.id = ar.article_id;

-- Councils named at least once, with counts and gazetteer coordinates (the map).
DROP VIEW IF EXISTS council_coverage;
CREATE VIEW council_coverage AS
SELECT c.code, c.nice_name AS council, c.official_name, c.type, c.nation, c.region,
       n.articles, n.mentions, c.latitude, c.longitude
FROM (SELECT code, count(DISTINCT article_id) AS articles, count(*) AS mentions
      FROM council_mentions GROUP BY code) n
JOIN councils c ON c.code = n.code;

-- Council mentions per month of publication (the chart).
DROP VIEW IF EXISTS mentions_per_month;
CREATE VIEW mentions_per_month AS
SELECT substr(a.published, 1, 7) AS month, count(*) AS mentions,
       count(DISTINCT m.article_id) AS articles, count(DISTINCT m.code) AS councils
FROM council_mentions m
JOIN articles a ON a.id = m.article_id
WHERE a.published IS NOT NULL
GROUP BY month;

-- Articles per month and publication.
DROP VIEW IF EXISTS coverage_by_month;
CREATE VIEW coverage_by_month AS
SELECT substr(published, 1, 7) AS month, source, count(*) AS articles
FROM articles
WHERE published IS NOT NULL
GROUP BY month, source;
