"""The vocabularies kept as dbt seeds (``dbt_project/seeds/*.csv``), read here for Python.

dbt loads the same files as tables (``ref('units')`` …), so a unit factor, a measure or a qualifier
is written down once. The files sit beside the package (an editable install reads them in place).
"""

from __future__ import annotations

import csv
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"


def read_seed(name: str) -> list[dict[str, str]]:
    """The rows of seed ``name`` (``units`` reads ``dbt_project/seeds/units.csv``) as dicts of strings."""
    with open(SEEDS_DIR / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _column(name: str, column: str, where: str | None = None) -> tuple[str, ...]:
    return tuple(row[column] for row in read_seed(name) if where is None or row[where] == "true")


KINDS: tuple[str, ...] = _column("kinds", "kind")
MEASURES: tuple[str, ...] = _column("measures", "measure")
# measures that describe a span of years (五年年均, 累计), never one year's result
MULTI_YEAR_MEASURES: frozenset[str] = frozenset(_column("measures", "measure", where="is_multi_year"))
QUALIFIERS: tuple[str, ...] = _column("qualifiers", "qualifier")
