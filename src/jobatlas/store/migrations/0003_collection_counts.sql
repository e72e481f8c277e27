-- Per board: jobs that could not be read, and repeated ids (see docs/sources.md).
-- n_fetched = n_added + n_skipped + n_duplicates; n_rejected is part of added + skipped.
ALTER TABLE collection_runs ADD COLUMN n_rejected INTEGER DEFAULT 0;
ALTER TABLE collection_runs ADD COLUMN n_duplicates INTEGER DEFAULT 0;
