"""The front door: which raw files are read, how, and what is quarantined instead.

    files.py   list a raw root: every file under a table folder, classified by extension
    probe.py   look inside a new file once: can DuckDB's fast reader take it, or must its
               lines be salvaged in Python (bad UTF-8, CRLF, over-long lines, truncated gzip)?
    sql.py     quoting for SQL literals and file paths, and the landing SELECT of one table
    plan.py    the statements that bring a warehouse's landing relations up to date
    duckdb_plugin.py  the dbt-duckdb plugin: registers the above as SQL functions and sets
               the PII salt on every connection, so the dbt hook only runs the plan

The dbt hook (macros/landing/register_raw_landing.sql) and the Great Expectations landing
gate (validation.py) run the same plan, so what is validated is what dbt reads.
"""
