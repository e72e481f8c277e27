"""The embedded DuckDB store: migrations, raw rows, normalised postings, quarantine, runs."""
