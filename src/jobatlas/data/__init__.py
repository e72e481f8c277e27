"""Bundled reference data, each file with its source and licence."""
