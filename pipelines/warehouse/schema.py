"""DDL for the raw tables that the Python assets write and the dbt sources read.

Explicit column types (VARCHAR for Chinese text, DOUBLE for values); no PRIMARY KEYs because the
tables are rewritten per report; uniqueness is enforced by dbt tests and asset checks.
"""

RAW_SCHEMA = "raw"

RAW_TABLES: dict[str, str] = {
    "reports": """
        CREATE TABLE IF NOT EXISTS raw.reports (
            report_id        VARCHAR NOT NULL,   -- <level>/<region>/<year>
            partition_key    VARCHAR NOT NULL,   -- stable per source file
            region           VARCHAR NOT NULL,
            region_level     VARCHAR NOT NULL,
            report_year      INTEGER NOT NULL,
            source_path      VARCHAR NOT NULL,
            source_format    VARCHAR NOT NULL,
            encoding         VARCHAR,
            content_sha256   VARCHAR NOT NULL,
            size_bytes       BIGINT,
            title            VARCHAR,
            char_count       INTEGER NOT NULL,
            attribution      VARCHAR,
            warnings         VARCHAR,
            text             VARCHAR NOT NULL,
            states_gdp_growth   BOOLEAN,         -- load.headline_signals: the text states GDP growth with a number
            states_main_targets BOOLEAN,         -- ... and has a main-targets paragraph (NULL: loaded before these)
            loaded_at        TIMESTAMP NOT NULL
        )""",
    "facts": """
        CREATE TABLE IF NOT EXISTS raw.facts (
            fact_id           VARCHAR NOT NULL,  -- hash of content_sha256 + quote offsets + indicator (load.fact_id)
            report_id         VARCHAR NOT NULL,
            partition_key     VARCHAR NOT NULL,
            region            VARCHAR NOT NULL,
            region_level      VARCHAR NOT NULL,
            report_year       INTEGER NOT NULL,
            indicator_id      VARCHAR NOT NULL,
            kind              VARCHAR NOT NULL,
            period_year       INTEGER,
            measure           VARCHAR NOT NULL,
            value             DOUBLE,
            value_low         DOUBLE,
            value_high        DOUBLE,
            unit              VARCHAR,
            value_std         DOUBLE,
            unit_std          VARCHAR,
            qualifier         VARCHAR NOT NULL,
            quote             VARCHAR NOT NULL,
            char_start        INTEGER NOT NULL,
            char_end          INTEGER NOT NULL,
            section           VARCHAR,
            is_headline       BOOLEAN NOT NULL,  -- in a results-summary or main-targets paragraph
            subject           VARCHAR,           -- NULL: the whole region; else the part (县域经济, 西安市, 能源工业)
            extractor_version VARCHAR NOT NULL,
            verified_quote_key VARCHAR,          -- load.verified_quote_key: set when the quote is the text at its offsets
            loaded_at         TIMESTAMP NOT NULL
        )""",
    "keyword_counts": """
        CREATE TABLE IF NOT EXISTS raw.keyword_counts (
            report_id      VARCHAR NOT NULL,
            partition_key  VARCHAR NOT NULL,
            keyword        VARCHAR NOT NULL,
            keyword_source VARCHAR NOT NULL,     -- curated | top
            occurrences    INTEGER NOT NULL,
            char_count     INTEGER NOT NULL,
            loaded_at      TIMESTAMP NOT NULL
        )""",
    "ingest_quarantine": """
        CREATE TABLE IF NOT EXISTS raw.ingest_quarantine (
            partition_key     VARCHAR NOT NULL,
            source_path       VARCHAR NOT NULL,
            reason_code       VARCHAR NOT NULL,
            reason            VARCHAR NOT NULL,
            severity          VARCHAR NOT NULL,  -- rejected | duplicate | warning
            detected_encoding VARCHAR,
            size_bytes        BIGINT,
            first_chars       VARCHAR,
            duplicate_of      VARCHAR,
            recorded_at       TIMESTAMP NOT NULL
        )""",
    "load_state": """
        CREATE TABLE IF NOT EXISTS raw.load_state (
            partition_key  VARCHAR NOT NULL,
            stage_sha      VARCHAR NOT NULL,     -- hash of the staged document + extraction
            status         VARCHAR NOT NULL,     -- loaded | rejected | duplicate
            report_id      VARCHAR,
            loaded_at      TIMESTAMP NOT NULL
        )""",
    "pending_regions": """
        CREATE TABLE IF NOT EXISTS raw.pending_regions (
            region        VARCHAR NOT NULL,      -- a region whose reports a load added, changed or removed
            region_level  VARCHAR NOT NULL,
            recorded_at   TIMESTAMP NOT NULL     -- the load; rows are cleared by the next complete dbt build
        )""",
    "corrections": """
        CREATE TABLE IF NOT EXISTS raw.corrections (
            line_no       INTEGER NOT NULL,      -- data line in the CSV (1 = first row after the header)
            source_path   VARCHAR NOT NULL,      -- the corrections CSV it came from
            fact_id       VARCHAR NOT NULL,
            report_id     VARCHAR,
            quote         VARCHAR,
            action        VARCHAR NOT NULL,      -- reject | set | add
            indicator_id  VARCHAR,               -- set / add fields: as written (empty = unchanged, NULL = clear)
            kind          VARCHAR,
            period_year   VARCHAR,
            measure       VARCHAR,
            value         VARCHAR,
            value_low     VARCHAR,
            value_high    VARCHAR,
            unit          VARCHAR,
            qualifier     VARCHAR,
            subject       VARCHAR,
            char_start    VARCHAR,               -- add: where the quote starts in the report text
            note          VARCHAR,
            author        VARCHAR,
            date          VARCHAR,
            loaded_at     TIMESTAMP NOT NULL
        )""",
}

# Columns added after a table's first release: (table, column, type), applied to older warehouses.
RAW_COLUMN_MIGRATIONS: tuple[tuple[str, str, str], ...] = (
    ("facts", "subject", "VARCHAR"),
    ("facts", "verified_quote_key", "VARCHAR"),
    ("reports", "states_gdp_growth", "BOOLEAN"),
    ("reports", "states_main_targets", "BOOLEAN"),
)

# Every raw table carries partition_key: the loader replaces a partition's rows in all of them.
PARTITIONED_TABLES: tuple[str, ...] = ("reports", "facts", "keyword_counts", "ingest_quarantine", "load_state")
