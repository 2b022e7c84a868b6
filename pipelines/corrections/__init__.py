"""Analysts' corrections of extracted facts: a versioned CSV, applied by dbt on every build."""
