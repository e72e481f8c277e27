-- Live collection: one row per collection, one per board collected, and sightings.

-- A collection is one pass over a list of boards (identified by the list's fingerprint).
-- It stays unfinished until every board has been attempted; rerunning the same list
-- resumes it, skipping boards already collected.
CREATE SEQUENCE collection_id_seq START 1;
CREATE TABLE collections (
    collection_id BIGINT PRIMARY KEY,
    fingerprint   VARCHAR NOT NULL,   -- sha1 of the sorted board keys
    n_boards      INTEGER NOT NULL,
    started_at    TIMESTAMP NOT NULL, -- UTC
    finished_at   TIMESTAMP,          -- UTC; NULL while unfinished (killed or running)
    status        VARCHAR NOT NULL    -- running, ok, degraded, failed, abandoned
);

-- One row per board attempt: the board's checkpoint for resume, and its outcome.
CREATE SEQUENCE collection_run_id_seq START 1;
CREATE TABLE collection_runs (
    collection_run_id BIGINT PRIMARY KEY,
    collection_id     BIGINT NOT NULL,
    run_id            BIGINT NOT NULL,   -- the runs row of the collect invocation
    source            VARCHAR NOT NULL,
    board             VARCHAR NOT NULL,  -- board key, e.g. lever:GoToGroup?eu=1
    origin            VARCHAR,           -- first URL requested (query string removed)
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP NOT NULL,
    duration_s        DOUBLE NOT NULL,
    status            VARCHAR NOT NULL,  -- ok, degraded, failed
    n_fetched         INTEGER NOT NULL,  -- postings returned by the source
    n_added           INTEGER NOT NULL,  -- new rows in raw_postings
    n_skipped         INTEGER NOT NULL,  -- already stored (seen before)
    n_requests        INTEGER NOT NULL,
    error_type        VARCHAR,           -- e.g. SourceSchemaChanged
    error             VARCHAR            -- one-line reason (failed), or notes (degraded)
);
CREATE INDEX collection_runs_board ON collection_runs (collection_id, board);

-- When each posting was first and last seen by a collection.
CREATE TABLE sightings (
    source             VARCHAR NOT NULL,
    source_id          VARCHAR NOT NULL,
    board              VARCHAR NOT NULL,  -- board key of the last sighting
    first_seen         TIMESTAMP NOT NULL, -- UTC
    last_seen          TIMESTAMP NOT NULL, -- UTC
    times_seen         INTEGER NOT NULL,
    last_collection_id BIGINT NOT NULL,
    PRIMARY KEY (source, source_id)
);
