"""Data-quality rules that need Python, as plain functions (testable without Dagster).

The SQL-shaped checks are dbt tests (Dagster shows them as asset checks on the dbt models):
facts_have_provenance and values_plausible on fct_indicator_facts, corrections_all_applied on
fct_fact_corrections (dbt_project/models/marts/*.yml), headline_facts_present
(dbt_project/tests/headline_facts_present.sql).
"""

from __future__ import annotations


def row_count_problems(registered_files: int, reports: int, quarantined: int, facts: int) -> list[str]:
    """Row-count sanity: every registered file is a report or quarantined; reports yield facts."""
    problems = []
    if reports + quarantined < registered_files:
        problems.append(f"{registered_files} files registered but only {reports} reports loaded and "
                        f"{quarantined} quarantined: files were lost")
    if reports and facts == 0:
        problems.append(f"{reports} reports loaded but no facts extracted")
    if reports and facts / reports < 3:
        problems.append(f"only {facts / reports:.1f} facts per report on average (expected dozens)")
    return problems
