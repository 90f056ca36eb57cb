-- Version 7: the supplier pages. Articles and mentions per supplier and month (a
-- supplier's press coverage over time and its totals), kept true by triggers on
-- supplier_mentions and on articles' dates, filled once; and an index that lets the
-- register check look an award's suppliers up without reading their rows.

CREATE TABLE IF NOT EXISTS supplier_month_counts (
    supplier_id TEXT NOT NULL,
    month TEXT NOT NULL,                   -- YYYY-MM of the article, '' when undated
    articles INTEGER NOT NULL,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (supplier_id, month)
) WITHOUT ROWID;

INSERT INTO supplier_month_counts (supplier_id, month, articles, mentions)
SELECT m.supplier_id, coalesce(substr(a.published, 1, 7), ''), count(DISTINCT m.article_id),
       count(*)
FROM supplier_mentions m JOIN articles a ON a.id = m.article_id
WHERE NOT EXISTS (SELECT 1 FROM supplier_month_counts)
GROUP BY m.supplier_id, coalesce(substr(a.published, 1, 7), '');

CREATE TRIGGER IF NOT EXISTS supplier_month_counts_ai AFTER INSERT ON supplier_mentions BEGIN
    INSERT INTO supplier_month_counts (supplier_id, month, articles, mentions)
    VALUES (
        new.supplier_id,
        coalesce((SELECT substr(published, 1, 7) FROM articles WHERE id = new.article_id), ''),
        NOT EXISTS (SELECT 1 FROM supplier_mentions
                    WHERE supplier_id = new.supplier_id AND article_id = new.article_id
                      AND id != new.id),
        1)
    ON CONFLICT (supplier_id, month) DO UPDATE
        SET articles = articles + excluded.articles, mentions = mentions + 1;
END;

CREATE TRIGGER IF NOT EXISTS supplier_month_counts_ad AFTER DELETE ON supplier_mentions BEGIN
    UPDATE supplier_month_counts
    SET mentions = mentions - 1,
        articles = articles - NOT EXISTS (SELECT 1 FROM supplier_mentions
                                          WHERE supplier_id = old.supplier_id
                                            AND article_id = old.article_id)
    WHERE supplier_id = old.supplier_id
      AND month = coalesce((SELECT substr(published, 1, 7) FROM articles
                            WHERE id = old.article_id), '');
    DELETE FROM supplier_month_counts WHERE supplier_id = old.supplier_id AND mentions <= 0;
END;

CREATE TRIGGER IF NOT EXISTS supplier_month_counts_au AFTER UPDATE OF published ON articles
WHEN coalesce(substr(old.published, 1, 7), '') != coalesce(substr(new.published, 1, 7), '')
BEGIN
    UPDATE supplier_month_counts
    SET mentions = mentions - (SELECT count(*) FROM supplier_mentions m
                               WHERE m.article_id = new.id
                                 AND m.supplier_id = supplier_month_counts.supplier_id),
        articles = articles - 1
    WHERE month = coalesce(substr(old.published, 1, 7), '')
      AND supplier_id IN (SELECT supplier_id FROM supplier_mentions WHERE article_id = new.id);
    DELETE FROM supplier_month_counts
    WHERE mentions <= 0 AND month = coalesce(substr(old.published, 1, 7), '');
    INSERT INTO supplier_month_counts (supplier_id, month, articles, mentions)
    SELECT supplier_id, coalesce(substr(new.published, 1, 7), ''), 1, count(*)
    FROM supplier_mentions WHERE article_id = new.id GROUP BY supplier_id
    ON CONFLICT (supplier_id, month) DO UPDATE
        SET articles = articles + 1, mentions = mentions + excluded.mentions;
END;

CREATE INDEX IF NOT EXISTS idx_award_suppliers_award_supplier
    ON award_suppliers(ocid, award_id, supplier_id);
