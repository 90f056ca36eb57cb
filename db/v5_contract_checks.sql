-- Migration 5, the press against the public register: every contract an article reports (the NLP
-- stage's contracts and contract_councils) matched to the register's awards (awards,
-- award_suppliers) of the same council and the same supplier whose dates overlap.
--
-- press_contracts: one row per contract and council, its dates as an interval.
--   A partial date is widened to what it names ("2013" is 2013-01-01 to 2013-12-31); an
--   end is the start plus the term when only those are given, a start the end less the
--   term. A contract without dates stands at its article's date. The interval is then
--   widened by a year each side, since the press dates contracts loosely (a tender
--   reported a year before its award, "a contract signed last year").
-- register_award_periods: one row per award and linked supplier: from the contract's
--   start (else the award date) to its end (else its start).
-- register_awards: the register's awards per supplier of the supplier table, with the
--   buyer's council (for a supplier's page: whom it supplies, for how much, until when).
-- contracts_ending: council contracts that end in the next 12 months, by the press (its
--   end, else its start plus its term) or by the register (the award's contract end).
-- contract_checks: per press contract, `confirmed` when a matching award's value agrees
--   within 1% (or either side gives none), `value differs` when awards match but none
--   agrees, `not on the register` when none matches; and per council award that no press
--   contract matched, `not in the press`. Both sides' evidence on every row.

DROP VIEW IF EXISTS register_awards;
DROP VIEW IF EXISTS contracts_ending;
DROP VIEW IF EXISTS contract_checks;
DROP VIEW IF EXISTS contract_matches;
DROP VIEW IF EXISTS register_award_periods;
DROP VIEW IF EXISTS press_contracts;

CREATE VIEW press_contracts AS
WITH dated AS (
    SELECT c.id AS contract_id, c.article_id, cc.code, c.supplier_id, c.value_gbp, c.period,
           c.years, c.start_date, c.end_date, c.status, c.sentence,
           CASE length(c.start_date) WHEN 4 THEN c.start_date || '-01-01'
                WHEN 7 THEN c.start_date || '-01' ELSE substr(c.start_date, 1, 10) END AS lo,
           CASE length(c.end_date) WHEN 4 THEN c.end_date || '-12-31'
                WHEN 7 THEN date(c.end_date || '-01', '+1 month', '-1 day')
                ELSE substr(c.end_date, 1, 10) END AS hi,
           substr(a.published, 1, 10) AS published
    FROM contracts c
    JOIN contract_councils cc ON cc.contract_id = c.id
    JOIN articles a ON a.id = c.article_id
)
SELECT contract_id, article_id, code, supplier_id, value_gbp, period, years, start_date,
       end_date, status, sentence,
       -- when it ends: the end the press gives, else its start plus its term
       coalesce(hi, date(lo, printf('+%d months', round(years * 12)))) AS ends,
       date(coalesce(lo, date(hi, printf('-%d months', round(years * 12))), published),
            '-12 months') AS period_from,
       date(coalesce(hi, date(lo, printf('+%d months', round(years * 12))), lo, published),
            '+12 months') AS period_to
FROM dated;

CREATE VIEW register_award_periods AS
SELECT w.ocid, w.award_id, w.buyer_code AS code, s.supplier_id, s.name AS supplier_name,
       w.value, w.currency, w.title, w.status, w.date, w.contract_start, w.contract_end,
       w.notice_url, w.buyer_name, w.source,
       substr(coalesce(w.contract_start, w.date, w.release_date_utc), 1, 10) AS period_from,
       substr(coalesce(w.contract_end, w.contract_start, w.date, w.release_date_utc), 1, 10)
           AS period_to
FROM awards w
JOIN award_suppliers s ON s.ocid = w.ocid AND s.award_id = w.award_id
WHERE w.buyer_code IS NOT NULL AND s.supplier_id IS NOT NULL;

-- Every press contract paired with every award it matches, and whether the values agree:
-- a yearly press figure is compared as its total over the press term, else over the
-- award's own contract period.
CREATE VIEW contract_matches AS
WITH pairs AS (
    SELECT p.contract_id, p.code, p.supplier_id, r.ocid, r.award_id, r.value,
           CASE WHEN p.period = 'year' THEN p.value_gbp * coalesce(
                    nullif(p.years, 0),
                    (julianday(r.period_to) - julianday(r.period_from)) / 365.25)
                ELSE p.value_gbp END AS press_total
    FROM press_contracts p
    JOIN register_award_periods r
  ON r.code = p.code AND r.supplier_id = p.supplier_id
 AND r.period_from <= p.period_to AND p.period_from <= r.period_to
)
SELECT contract_id, code, supplier_id, ocid, award_id, press_total,
       CASE WHEN press_total IS NULL OR value IS NULL THEN 1
            WHEN abs(press_total - value) <= 0.01 * max(abs(press_total), abs(value)) THEN 1
            ELSE 0 END AS value_agrees
FROM pairs;

CREATE VIEW contract_checks AS
WITH verdicts AS (
    SELECT p.contract_id, p.code,
           CASE WHEN max(m.value_agrees) = 1 THEN 'confirmed'
                WHEN count(m.award_id) > 0 THEN 'value differs'
                ELSE 'not on the register' END AS outcome
    FROM press_contracts p
    LEFT JOIN contract_matches m ON m.contract_id = p.contract_id AND m.code = p.code
    GROUP BY p.contract_id, p.code
)
SELECT v.outcome, p.code AS council, p.supplier_id AS supplier,
       p.contract_id, p.value_gbp AS press_value_gbp, p.period AS press_period,
       p.years AS press_years, p.start_date AS press_start, p.end_date AS press_end,
       p.status AS press_status, p.sentence AS press_sentence,
       a.id AS article_id, a.title AS article_title, a.url AS article_url,
       a.published AS article_published,
       r.ocid, r.award_id, r.title AS award_title, r.value AS award_value,
       r.currency AS award_currency, r.date AS award_date, r.contract_start AS award_start,
       r.contract_end AS award_end, r.status AS award_status, r.notice_url AS award_url,
       r.buyer_name AS award_buyer, r.supplier_name AS award_supplier, r.source AS register,
       m.press_total AS press_total_gbp, m.value_agrees
FROM verdicts v
JOIN press_contracts p ON p.contract_id = v.contract_id AND p.code = v.code
JOIN articles a ON a.id = p.article_id
LEFT JOIN contract_matches m ON m.contract_id = v.contract_id AND m.code = v.code
LEFT JOIN register_award_periods r
  ON r.ocid = m.ocid AND r.award_id = m.award_id AND r.supplier_id = m.supplier_id
UNION ALL
SELECT 'not in the press', r.code, r.supplier_id,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL,
       r.ocid, r.award_id, r.title, r.value, r.currency, r.date, r.contract_start,
       r.contract_end, r.status, r.notice_url, r.buyer_name, r.supplier_name, r.source,
       NULL, NULL
FROM register_award_periods r
WHERE NOT EXISTS (
    SELECT 1 FROM contract_matches m
    WHERE m.ocid = r.ocid AND m.award_id = r.award_id AND m.supplier_id = r.supplier_id
);

CREATE VIEW contracts_ending AS
SELECT 'press' AS evidence, p.code AS council, p.supplier_id AS supplier, p.ends,
       p.value_gbp, p.period, p.years, p.start_date AS starts, p.status,
       a.title, a.url, p.sentence, p.contract_id, NULL AS ocid, NULL AS award_id
FROM press_contracts p
JOIN articles a ON a.id = p.article_id
WHERE p.ends BETWEEN date('now') AND date('now', '+12 months')
  AND coalesce(p.status, '') NOT IN ('ended', 'terminated', 'insourced')
UNION ALL
SELECT 'register', w.buyer_code,
       coalesce((SELECT group_concat(coalesce(s.supplier_id, s.name), '; ')
                 FROM award_suppliers s WHERE s.ocid = w.ocid AND s.award_id = w.award_id), ''),
       substr(w.contract_end, 1, 10), w.value, 'total', NULL, substr(w.contract_start, 1, 10),
       w.status, w.title, w.notice_url, NULL, NULL, w.ocid, w.award_id
FROM awards w
WHERE w.buyer_code IS NOT NULL
  AND substr(w.contract_end, 1, 10) BETWEEN date('now') AND date('now', '+12 months')
  AND coalesce(w.status, '') NOT IN ('cancelled', 'unsuccessful');

CREATE VIEW register_awards AS
SELECT s.supplier_id, t.name AS supplier, w.buyer_code AS council, c.nice_name AS council_name,
       w.buyer_name, w.title, w.value, w.currency, w.date, w.contract_start, w.contract_end,
       w.status, w.notice_url, w.source, w.ocid, w.award_id, s.name AS register_supplier_name
FROM award_suppliers s
JOIN suppliers t ON t.id = s.supplier_id
JOIN awards w ON w.ocid = s.ocid AND w.award_id = s.award_id
LEFT JOIN councils c ON c.code = w.buyer_code;
