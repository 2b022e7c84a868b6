"""The corrections CSV: its columns, reading it (strictly) and appending one row.

The file is the record of every correction; dbt applies it (``int_facts_corrected``). Rows are
never rewritten: a later row for the same ``fact_id`` supersedes an earlier one.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

ACTIONS = ("reject", "set", "add")
# Fields a ``set`` may change and an ``add`` must describe. Empty cell: unchanged; ``NULL``: cleared.
FIELDS = (
    "indicator_id", "kind", "period_year", "measure", "value", "value_low", "value_high",
    "unit", "qualifier", "subject",
)
COLUMNS = ("fact_id", "report_id", "quote", "action", *FIELDS, "char_start", "note", "author", "date")
NULL_TOKEN = "NULL"


class CorrectionsFileError(ValueError):
    """The corrections CSV cannot be read as corrections (wrong header, bad action, missing fact_id)."""


def header_line() -> str:
    """The CSV header line (what a fresh corrections file holds)."""
    return ",".join(COLUMNS) + "\n"


def read_corrections(path: Path) -> list[dict]:
    """Every correction in ``path`` as a dict of strings (``None`` for an empty cell) plus ``line_no``.

    A missing file means no corrections. Raises ``CorrectionsFileError`` naming the line when the
    header is not ``COLUMNS`` or a row has no fact_id or an unknown action.
    """
    path = Path(path)
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise CorrectionsFileError(
                f"{path}: header must be {','.join(COLUMNS)} (found {','.join(reader.fieldnames or [])})"
            )
        rows = []
        for line_no, raw in enumerate(reader, 1):
            if None in raw:
                raise CorrectionsFileError(f"{path}: data line {line_no} has more cells than the header")
            row = {k: (v.strip() if v is not None and v.strip() != "" else None) for k, v in raw.items()}
            if row["quote"] is not None:
                row["quote"] = raw["quote"]  # quotes are kept exactly as written
            if not row["fact_id"]:
                raise CorrectionsFileError(f"{path}: data line {line_no} has no fact_id")
            if row["action"] not in ACTIONS:
                raise CorrectionsFileError(
                    f"{path}: data line {line_no}: action {row['action']!r} is not one of {', '.join(ACTIONS)}"
                )
            rows.append({"line_no": line_no, "source_path": str(path), **row})
    return rows


def append_correction(path: Path, row: dict) -> None:
    """Append one correction row to ``path`` (writing the header first when the file is new or empty)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    fresh = not path.exists() or path.stat().st_size == 0
    if fresh:
        writer.writeheader()
    writer.writerow({k: ("" if row.get(k) is None else row[k]) for k in COLUMNS})
    text = buffer.getvalue()
    if not fresh and not path.read_bytes().endswith(b"\n"):
        text = "\n" + text
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write(text)
