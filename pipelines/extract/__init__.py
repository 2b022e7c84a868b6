"""Indicator extraction core: report text -> :class:`Fact` records (pure Python, no Dagster/DuckDB)."""

from pipelines.extract.extractor import extract_facts
from pipelines.extract.facts import EXTRACTOR_VERSION, FACT_FIELDS, Fact

__all__ = ["EXTRACTOR_VERSION", "FACT_FIELDS", "Fact", "extract_facts"]
