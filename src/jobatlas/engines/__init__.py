"""Engines that run the normalize stage: DuckDB (the store, ``jobatlas.pipeline``) and Spark.

Both run the one statement catalogue (``catalogue``: the set logic, written once in DuckDB's
dialect and transpiled for Spark) and the one set of Python steps (``distinct``: the
normalisers applied to distinct values), so a rule cannot exist in one engine only.
"""
