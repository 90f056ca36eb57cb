-- councilwatch schema version 1: the tables, indexes and full-text search of the
-- first release, applied by migration 1 (db/migrations.py). Never edited: a change
-- to the schema is a new migration.
-- Table names are plural snake_case; every fact row points to its article and
-- carries the sentence and character offsets into articles.body it came from.

CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY,
    title TEXT,
    homepage TEXT,
    notes TEXT
);

CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    canonical_url TEXT NOT NULL UNIQUE,
    source TEXT REFERENCES sources(name),
    title TEXT,
    standfirst TEXT,
    authors TEXT NOT NULL DEFAULT '[]',   -- JSON list of names
    published TEXT,                       -- ISO 8601
    modified TEXT,
    section TEXT,
    tags TEXT NOT NULL DEFAULT '[]',      -- JSON list
    language TEXT,
    body TEXT NOT NULL,
    content_hash TEXT NOT NULL,           -- sha256 of the normalised body
    fetched_at TEXT NOT NULL,
    nlp_version TEXT,                     -- NULL until the NLP stage has run
    processed_at TEXT
);
CREATE INDEX IF NOT EXISTS idx_articles_source ON articles(source);
CREATE INDEX IF NOT EXISTS idx_articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS idx_articles_content_hash ON articles(content_hash);
CREATE INDEX IF NOT EXISTS idx_articles_nlp_version ON articles(nlp_version);

-- Other URLs under which the same story was seen (tracking parameters,
-- syndication, AMP): stored once, aliases kept.
CREATE TABLE IF NOT EXISTS article_aliases (
    url TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_article_aliases_article ON article_aliases(article_id);

-- The page as fetched, gzip-compressed, so extraction can be re-run later.
CREATE TABLE IF NOT EXISTS raw_pages (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    content_type TEXT,
    html_gz BLOB NOT NULL
);

CREATE TABLE IF NOT EXISTS councils (
    code TEXT PRIMARY KEY,
    gss_code TEXT,
    official_name TEXT NOT NULL,
    nice_name TEXT NOT NULL,
    type TEXT,
    nation TEXT,
    region TEXT,
    start_date TEXT,
    end_date TEXT,
    replaced_by TEXT,
    latitude REAL,
    longitude REAL
);

CREATE TABLE IF NOT EXISTS services (
    id TEXT PRIMARY KEY,
    service_group TEXT NOT NULL,
    label TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS council_mentions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    code TEXT NOT NULL REFERENCES councils(code),
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentence TEXT NOT NULL,
    nlp_version TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_council_mentions_article ON council_mentions(article_id);
CREATE INDEX IF NOT EXISTS idx_council_mentions_code ON council_mentions(code, article_id);

CREATE TABLE IF NOT EXISTS money_mentions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    amount_gbp REAL NOT NULL,
    period TEXT NOT NULL,
    years INTEGER,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentence TEXT NOT NULL,
    nlp_version TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_money_mentions_article ON money_mentions(article_id);
CREATE INDEX IF NOT EXISTS idx_money_mentions_role ON money_mentions(role, amount_gbp);

CREATE TABLE IF NOT EXISTS service_mentions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    service TEXT NOT NULL REFERENCES services(id),
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentence TEXT NOT NULL,
    nlp_version TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_service_mentions_article ON service_mentions(article_id);
CREATE INDEX IF NOT EXISTS idx_service_mentions_service ON service_mentions(service, article_id);

CREATE TABLE IF NOT EXISTS arrangements (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    vehicle TEXT,
    saving_gbp REAL,
    period TEXT,
    status TEXT,
    partners TEXT NOT NULL DEFAULT '[]',  -- JSON list of other bodies, by name
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentence TEXT NOT NULL,
    nlp_version TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_arrangements_article ON arrangements(article_id);

CREATE TABLE IF NOT EXISTS arrangement_councils (
    arrangement_id INTEGER NOT NULL REFERENCES arrangements(id) ON DELETE CASCADE,
    code TEXT NOT NULL REFERENCES councils(code),
    PRIMARY KEY (arrangement_id, code)
);
CREATE INDEX IF NOT EXISTS idx_arrangement_councils_code ON arrangement_councils(code);

CREATE TABLE IF NOT EXISTS arrangement_services (
    arrangement_id INTEGER NOT NULL REFERENCES arrangements(id) ON DELETE CASCADE,
    service TEXT NOT NULL REFERENCES services(id),
    PRIMARY KEY (arrangement_id, service)
);

CREATE TABLE IF NOT EXISTS crawl_runs (
    id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',   -- running, finished, failed
    pages_fetched INTEGER NOT NULL DEFAULT 0,
    articles_new INTEGER NOT NULL DEFAULT 0,
    articles_updated INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    stats TEXT NOT NULL DEFAULT '{}'          -- JSON: Scrapy stats, per-source counts
);

CREATE TABLE IF NOT EXISTS crawl_errors (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES crawl_runs(id),
    url TEXT NOT NULL,
    stage TEXT NOT NULL,                      -- fetch, discover, extract, store
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_crawl_errors_run ON crawl_errors(run_id);

-- Per run and source: what was fetched and stored, and whether the site refused us.
CREATE TABLE IF NOT EXISTS crawl_run_sources (
    run_id INTEGER NOT NULL REFERENCES crawl_runs(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    pages_fetched INTEGER NOT NULL DEFAULT 0,
    articles_new INTEGER NOT NULL DEFAULT 0,
    articles_updated INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    refusals INTEGER NOT NULL DEFAULT 0,      -- 403 / 429 responses after retries
    blocked INTEGER NOT NULL DEFAULT 0,       -- 1: the site refused us persistently this run
    newest_published TEXT,                    -- newest article date seen this run
    PRIMARY KEY (run_id, source)
);

-- Conditional GET state of feeds and sitemaps (ETag / Last-Modified).
CREATE TABLE IF NOT EXISTS feed_state (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    last_status INTEGER,
    checked_at TEXT NOT NULL
);

-- Is each source still publishing? newest article seen vs its usual interval
-- between articles; 'silent' when the gap since the newest is over twice that
-- interval (and over a day).
DROP VIEW IF EXISTS source_health;
CREATE VIEW source_health AS
WITH per_source AS (
    SELECT source,
           count(*) AS articles,
           min(published) AS oldest_published,
           max(published) AS newest_published
    FROM articles
    WHERE source IS NOT NULL AND published IS NOT NULL
    GROUP BY source
), last_runs AS (
    SELECT source, max(run_id) AS last_run_id, sum(blocked) AS runs_blocked
    FROM crawl_run_sources GROUP BY source
)
SELECT s.name AS source,
       s.title,
       coalesce(p.articles, 0) AS articles,
       p.newest_published,
       round(CASE WHEN p.articles > 1
             THEN (julianday(p.newest_published) - julianday(p.oldest_published)) / (p.articles - 1)
             END, 2) AS usual_interval_days,
       round(julianday('now') - julianday(p.newest_published), 2) AS days_since_newest,
       r.last_run_id,
       (SELECT blocked FROM crawl_run_sources c
        WHERE c.source = s.name AND c.run_id = r.last_run_id) AS blocked_last_run,
       CASE
           WHEN p.articles IS NULL THEN 'no articles'
           WHEN (SELECT blocked FROM crawl_run_sources c
                 WHERE c.source = s.name AND c.run_id = r.last_run_id) = 1 THEN 'blocked'
           WHEN p.articles > 1
                AND julianday('now') - julianday(p.newest_published) >
                    max(1.0, 2 * (julianday(p.newest_published) - julianday(p.oldest_published))
                             / (p.articles - 1))
           THEN 'silent'
           ELSE 'ok'
       END AS status
FROM sources s
LEFT JOIN per_source p ON p.source = s.name
LEFT JOIN last_runs r ON r.source = s.name;

-- One row per `councilwatch process` run, so an interrupted re-processing
-- (--all) resumes after the last article it committed instead of starting over.
CREATE TABLE IF NOT EXISTS process_runs (
    id INTEGER PRIMARY KEY,
    nlp_version TEXT NOT NULL,
    everything INTEGER NOT NULL,              -- 1 for --all (re-process every article)
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',   -- running, finished
    last_article_id INTEGER NOT NULL DEFAULT 0,
    articles_done INTEGER NOT NULL DEFAULT 0
);

-- Full-text search over articles (title, standfirst, body), kept in step by triggers.
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, standfirst, body, content='articles', content_rowid='id',
    tokenize='porter unicode61'
);
CREATE TRIGGER IF NOT EXISTS articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, standfirst, body)
    VALUES (new.id, new.title, new.standfirst, new.body);
END;
CREATE TRIGGER IF NOT EXISTS articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, standfirst, body)
    VALUES ('delete', old.id, old.title, old.standfirst, old.body);
END;
CREATE TRIGGER IF NOT EXISTS articles_au AFTER UPDATE OF title, standfirst, body
ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, standfirst, body)
    VALUES ('delete', old.id, old.title, old.standfirst, old.body);
    INSERT INTO articles_fts(rowid, title, standfirst, body)
    VALUES (new.id, new.title, new.standfirst, new.body);
END;
