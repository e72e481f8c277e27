-- Raw rows exactly as read, with provenance. Never updated.
CREATE TABLE raw_postings (
    raw_id          BIGINT PRIMARY KEY,
    run_id          BIGINT NOT NULL,
    source          VARCHAR NOT NULL,   -- e.g. file:google-jobs-2023, greenhouse
    source_file     VARCHAR,            -- path as given, or the URL of the page
    source_row      BIGINT,             -- 1-based data row within the file (header excluded)
    content_hash    VARCHAR NOT NULL,   -- md5 of the record + its occurrence number within the file
    ingested_at     TIMESTAMP NOT NULL,
    record          JSON /*zstd*/,      -- the original row, every column, as read
    parse_error     VARCHAR,            -- set when the row could not be parsed (kept for quarantine)
    -- canonical fields mapped from the record (see docs/schema.md)
    source_id       VARCHAR,
    url             VARCHAR,
    title           VARCHAR,
    company         VARCHAR,
    location        VARCHAR,
    country_hint    VARCHAR,
    remote_hint     VARCHAR,
    description     VARCHAR,
    salary_text     VARCHAR,
    salary_min      DOUBLE,
    salary_max      DOUBLE,
    salary_currency VARCHAR,
    salary_period   VARCHAR,
    salary_estimated BOOLEAN,
    posted_at       VARCHAR,
    skills          VARCHAR,
    via             VARCHAR
);
CREATE UNIQUE INDEX raw_postings_content_hash ON raw_postings (content_hash);

-- One row per usable raw row.
CREATE TABLE postings (
    raw_id              BIGINT PRIMARY KEY,
    run_id              BIGINT NOT NULL,
    source              VARCHAR NOT NULL,
    via                 VARCHAR,
    source_id           VARCHAR,
    url                 VARCHAR,
    title               VARCHAR NOT NULL,
    company             VARCHAR,
    ai_ml_tier          VARCHAR NOT NULL,
    ai_ml               BOOLEAN NOT NULL,
    ai_ml_family        VARCHAR,
    ai_ml_score         DOUBLE,
    ai_ml_evidence      VARCHAR,
    location_text       VARCHAR,
    location_status     VARCHAR NOT NULL,
    remote              VARCHAR NOT NULL,
    city                VARCHAR,
    admin1              VARCHAR,
    country_code        VARCHAR,
    geonameid           BIGINT,
    latitude            DOUBLE,
    longitude           DOUBLE,
    metro               VARCHAR,
    metro_id            VARCHAR,
    n_places            INTEGER NOT NULL,
    salary_min          DOUBLE,
    salary_max          DOUBLE,
    salary_currency     VARCHAR,
    salary_period       VARCHAR,
    salary_annual_min   DOUBLE,
    salary_annual_max   DOUBLE,
    salary_annual_usd   DOUBLE,
    salary_annual_ppp   DOUBLE,
    salary_status       VARCHAR NOT NULL,
    salary_flags        VARCHAR,
    posted_date         DATE,
    skills              VARCHAR,
    dedupe_key          VARCHAR NOT NULL
);

-- Every resolved place of a posting; a posting listing k places has k rows of weight 1/k.
CREATE TABLE posting_places (
    raw_id      BIGINT NOT NULL,
    place_index INTEGER NOT NULL,
    city        VARCHAR,
    country_code VARCHAR NOT NULL,
    geonameid   BIGINT,
    metro       VARCHAR NOT NULL,
    metro_id    VARCHAR NOT NULL,
    weight      DOUBLE NOT NULL,
    PRIMARY KEY (raw_id, place_index)
);

-- Metro areas seen in postings, with the resolver's population (for per-capita figures).
CREATE TABLE metros (
    metro_id     VARCHAR PRIMARY KEY,
    metro        VARCHAR NOT NULL,
    country_code VARCHAR NOT NULL,
    population   BIGINT,
    latitude     DOUBLE,
    longitude    DOUBLE
);

-- Raw rows that are copies of an earlier posting.
CREATE TABLE duplicates (
    raw_id       BIGINT PRIMARY KEY,
    run_id       BIGINT NOT NULL,
    duplicate_of BIGINT NOT NULL,
    reason       VARCHAR NOT NULL
);

-- Raw rows that cannot be used, with a reason code.
CREATE TABLE quarantine (
    raw_id  BIGINT PRIMARY KEY,
    run_id  BIGINT NOT NULL,
    reason  VARCHAR NOT NULL,
    detail  VARCHAR
);

-- One row per stage run.
CREATE SEQUENCE run_id_seq START 1;
CREATE TABLE runs (
    run_id        BIGINT PRIMARY KEY,
    stage         VARCHAR NOT NULL,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    duration_s    DOUBLE,
    rows_in       BIGINT,
    rows_out      BIGINT,
    rows_rejected BIGINT,
    status        VARCHAR NOT NULL,   -- running, ok, degraded, failed
    detail        VARCHAR
);
