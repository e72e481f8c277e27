-- Ingest deduplicates with hash joins on content_hash, which never read this index; keeping
-- it unique cost more than the rest of an ingest at a million rows (benchmarks/README.md).
-- Its uniqueness still holds: ingest gives each new row a hash no stored row has.
DROP INDEX raw_postings_content_hash;
