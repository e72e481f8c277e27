-- The employer of every company name in postings (src/jobatlas/store/employers.py):
-- grouped once per normalize over all of the store's names, read by rank. A store upgraded
-- from an earlier version gets it filled by its next `jobatlas normalize`; until then rank
-- groups the names itself, as before.
CREATE TABLE employers (
    company       VARCHAR NOT NULL,  -- each name once (no index: rebuilt whole, read whole)
    n_postings    BIGINT NOT NULL,   -- postings with this name when the grouping was made
    employer_key  VARCHAR,           -- NULL for a name with no key (punctuation only, ...)
    employer_name VARCHAR
);
