"""Build one validated correction row for ``govreport correct`` (nothing is written here).

Validation: the fields exist and have valid values (indicator in the taxonomy, kind, measure and
qualifier from the fact contract, numbers that parse), the fact exists in the warehouse for
``reject``/``set``, and for ``add`` the quote is in the report's text. Errors raise
``CorrectionError`` with a message for the user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pipelines.corrections.csvfile import FIELDS, NULL_TOKEN
from pipelines.domain.seeds import KINDS, MEASURES, QUALIFIERS, read_seed
from pipelines.warehouse.load import fact_id as make_fact_id

_NOT_NULL = {"indicator_id", "kind", "measure", "qualifier"}
_FLOATS = {"value", "value_low", "value_high"}


class CorrectionError(ValueError):
    """A correction that cannot be recorded, with the reason."""


@dataclass(frozen=True)
class FactRef:
    """What a correction needs to know of an existing fact."""

    fact_id: str
    report_id: str
    quote: str
    char_start: int
    report_year: int


def indicator_ids() -> dict[str, tuple[str, str]]:
    """indicator_id -> (measure, default_unit) from the taxonomy seed."""
    return {r["indicator_id"]: (r["measure"], r["default_unit"]) for r in read_seed("dim_indicator")}


def parse_assignments(items: list[str]) -> dict[str, str]:
    """``["value=5.5", "unit=%"]`` -> ``{"value": "5.5", "unit": "%"}``; an empty value means NULL."""
    fields: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep:
            raise CorrectionError(f"--set expects FIELD=VALUE, got {item!r}")
        if name not in FIELDS:
            raise CorrectionError(f"unknown field {name!r} (fields: {', '.join(FIELDS)})")
        fields[name] = value.strip() if value.strip() else NULL_TOKEN
    return fields


def validate_fields(fields: dict[str, str]) -> dict[str, str]:
    """Check every field's value; returns the fields normalised (numbers as written by Python)."""
    known = indicator_ids()
    out = dict(fields)
    for name, value in fields.items():
        if value == NULL_TOKEN:
            if name in _NOT_NULL:
                raise CorrectionError(f"{name} cannot be empty")
            continue
        if name == "indicator_id" and value not in known:
            raise CorrectionError(f"unknown indicator {value!r} (not in dbt_project/seeds/dim_indicator.csv)")
        if name == "kind" and value not in KINDS:
            raise CorrectionError(f"bad kind {value!r} (kinds: {', '.join(KINDS)})")
        if name == "measure" and value not in MEASURES:
            raise CorrectionError(f"bad measure {value!r} (measures: {', '.join(MEASURES)})")
        if name == "qualifier" and value not in QUALIFIERS:
            raise CorrectionError(f"bad qualifier {value!r} (qualifiers: {', '.join(QUALIFIERS)})")
        if name in _FLOATS:
            try:
                out[name] = repr(float(value))
            except ValueError:
                raise CorrectionError(f"{name} must be a number, got {value!r}") from None
        if name == "period_year":
            if not value.isdigit() or not 1949 <= int(value) <= 2100:
                raise CorrectionError(f"period_year must be a year, got {value!r}")
    return out


def _base(fact_id: str, report_id: str, quote: str, action: str, note: str | None, author: str | None,
          date: dt.date | None) -> dict:
    return {
        "fact_id": fact_id, "report_id": report_id, "quote": quote, "action": action,
        "note": note, "author": author, "date": (date or dt.date.today()).isoformat(),
    }


def reject_row(fact: FactRef, note: str | None, author: str | None, date: dt.date | None = None) -> dict:
    """The row that rejects an extracted fact."""
    return _base(fact.fact_id, fact.report_id, fact.quote, "reject", note, author, date)


def set_row(fact: FactRef, fields: dict[str, str], previous: dict | None, note: str | None,
            author: str | None, date: dt.date | None = None) -> dict:
    """The row that sets fields of a fact; fields of the correction in effect (``previous``) carry over.

    A set on a fact an analyst added (``previous`` is an add) is written as a new add with the
    merged fields, so the fact keeps its id and quote.
    """
    if not fields:
        raise CorrectionError("--set needs at least one FIELD=VALUE")
    fields = validate_fields(fields)
    carried = {k: previous[k] for k in FIELDS if previous and previous.get("action") in ("set", "add")
               and previous.get(k) is not None}
    action = "add" if previous and previous.get("action") == "add" else "set"
    row = _base(fact.fact_id, fact.report_id, fact.quote, action, note, author, date)
    row.update({**carried, **fields})
    if action == "add":
        row["char_start"] = previous.get("char_start")
    return row


def add_row(report_id: str, report_year: int, content_sha256: str, text: str, quote: str,
            fields: dict[str, str], at: int | None, note: str | None, author: str | None,
            date: dt.date | None = None) -> dict:
    """The row that adds a fact the extractor missed, anchored on ``quote`` in the report text.

    ``at`` picks the occurrence starting at that offset; by default the quote must occur exactly once.
    Required fields: indicator_id, kind, and value (or value_low and value_high). Defaults: measure
    and unit from the taxonomy, qualifier ``exact`` (``range`` for a low/high pair), period_year the
    year before the report for an actual and the report's year for a target.
    """
    if not quote:
        raise CorrectionError("--add needs --quote, the text of the fact as it is in the report")
    if at is not None:
        if text[at:at + len(quote)] != quote:
            raise CorrectionError(f"the quote is not in report {report_id} at offset {at}")
        start = at
    else:
        start = text.find(quote)
        if start < 0:
            raise CorrectionError(f"the quote is not in report {report_id}: {quote!r}")
        if text.find(quote, start + 1) >= 0:
            raise CorrectionError(
                f"the quote occurs more than once in report {report_id}; give --at OFFSET "
                f"(occurrences at {[i for i in range(len(text)) if text.startswith(quote, i)][:10]})"
            )
    for required in ("indicator_id", "kind"):
        if required not in fields:
            raise CorrectionError(f"--add needs --set {required}=…")
    if "value" not in fields and not ("value_low" in fields and "value_high" in fields):
        raise CorrectionError("--add needs --set value=… (or value_low=… and value_high=…)")
    fields = validate_fields(fields)
    measure, unit = indicator_ids()[fields["indicator_id"]]
    fields.setdefault("measure", measure)
    fields.setdefault("unit", unit)
    fields.setdefault("qualifier", "range" if "value" not in fields else "exact")
    if "period_year" not in fields:
        if fields["kind"] == "plan_target":
            raise CorrectionError("--add of a plan_target needs --set period_year=… (the plan's last year)")
        fields["period_year"] = str(report_year - 1 if fields["kind"] == "actual" else report_year)
    fid = make_fact_id(content_sha256, start, start + len(quote), fields["indicator_id"])
    row = _base(fid, report_id, quote, "add", note, author, date)
    row.update(fields)
    row["char_start"] = str(start)
    return row
