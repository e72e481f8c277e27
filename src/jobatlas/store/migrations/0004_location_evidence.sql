-- How each posting's location was matched (docs/methodology.md, "Locations and metro areas").
ALTER TABLE postings ADD COLUMN location_match_method VARCHAR;
ALTER TABLE postings ADD COLUMN location_confidence DOUBLE;
ALTER TABLE postings ADD COLUMN location_truncated BOOLEAN;
