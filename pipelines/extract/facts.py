"""The fact contract: one extracted indicator fact with its provenance.

Field names are part of the public interface: the ``govreport extract`` JSON lines, the
``raw_facts`` warehouse table and the dbt marts all use this vocabulary.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

EXTRACTOR_VERSION = "0.1.0"


@dataclass(frozen=True)
class Fact:
    """One indicator fact extracted from a report, with the exact text span it came from.

    ``quote == text[char_start:char_end]`` for the normalised report text the extractor was given.
    """

    region: str | None
    region_level: str | None
    report_year: int | None
    indicator_id: str
    kind: str
    period_year: int | None
    measure: str
    value: float | None
    value_low: float | None
    value_high: float | None
    unit: str
    value_std: float | None
    unit_std: str | None
    qualifier: str
    quote: str
    char_start: int
    char_end: int
    section: str | None = None
    subject: str | None = None  # None: the whole region; else the part it is about (县域经济, 西安市, 能源工业)
    extractor_version: str = field(default=EXTRACTOR_VERSION)
    is_headline: bool = False

    def to_dict(self) -> dict:
        """Return the fact as a plain dict (JSON-serialisable)."""
        return asdict(self)


FACT_FIELDS: tuple[str, ...] = tuple(Fact.__dataclass_fields__)
