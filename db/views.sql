-- Views for analysts (Datasette). Recreated on every schema check, so edit freely.

DROP VIEW IF EXISTS article_councils;
CREATE VIEW article_councils AS
SELECT DISTINCT m.article_id, m.code, c.nice_name AS council
FROM council_mentions m JOIN councils c ON c.code = m.code;
