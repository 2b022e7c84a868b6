"""``govreport correct`` and ``govreport corrections``: record a correction, list and check them.

Both read the facts from the published snapshot (read-only) unless ``--warehouse`` names another
DuckDB file, and the corrections CSV from ``--corrections``, ``GOVREPORT_CORRECTIONS`` or
``data/corrections.csv``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

from pipelines import paths
from pipelines.corrections.csvfile import CorrectionsFileError, append_correction, read_corrections
from pipelines.corrections.make import (
    CorrectionError,
    FactRef,
    add_row,
    parse_assignments,
    reject_row,
    set_row,
)
from pipelines.corrections.status import judge_corrections
from pipelines.warehouse.publish import connect_read_only


def _open(args: argparse.Namespace) -> duckdb.DuckDBPyConnection:
    target = (args.warehouse or paths.published_path()).resolve()
    if not target.exists():
        raise CorrectionError(f"{target} does not exist; run `govreport run` first")
    return connect_read_only(target)


def _fact(con: duckdb.DuckDBPyConnection, fact_id: str) -> FactRef | None:
    found = con.execute(
        "SELECT fact_id, report_id, quote, char_start, report_year FROM fct_extracted_facts WHERE fact_id = ?", [fact_id]
    ).fetchone()
    return FactRef(*found) if found else None


def _report(con: duckdb.DuckDBPyConnection, report_id: str) -> tuple[int, str, str] | None:
    return con.execute(
        "SELECT report_year, content_sha256, report_text FROM dim_report WHERE report_id = ?", [report_id]
    ).fetchone()


def _author(args: argparse.Namespace) -> str:
    if args.author:
        return args.author
    try:
        return os.environ.get("GOVREPORT_AUTHOR") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _build_row(args: argparse.Namespace, con: duckdb.DuckDBPyConnection, existing: list[dict]) -> dict:
    fields = parse_assignments(args.set or [])
    if args.add:
        report = _report(con, args.add)
        if report is None:
            raise CorrectionError(f"no report {args.add!r} in the warehouse (report ids look like city/南京市/2024)")
        row = add_row(args.add, report[0], report[1], report[2], args.quote or "", fields, args.at,
                      args.note, _author(args))
        if _fact(con, row["fact_id"]) is not None:
            raise CorrectionError(f"the extractor already has this fact ({row['fact_id']}): use --set on it")
        return row
    if not args.fact_id:
        raise CorrectionError("give the FACT_ID to correct (or --add REPORT_ID)")
    if not args.reject and not fields:
        raise CorrectionError("say what to do: --reject, --set FIELD=VALUE … or --add REPORT_ID")
    previous = next((r for r in reversed(existing) if r["fact_id"] == args.fact_id), None)
    fact = _fact(con, args.fact_id)
    if fact is None and previous is not None and previous["action"] == "add":
        report = _report(con, previous["report_id"])
        fact = FactRef(args.fact_id, previous["report_id"], previous["quote"], int(previous["char_start"]),
                       report[0] if report else 0)
        if args.reject:
            raise CorrectionError(
                f"fact {args.fact_id} was added by line {previous['line_no']} of the corrections file; "
                "delete that line to withdraw it"
            )
    if fact is None:
        raise CorrectionError(f"no fact {args.fact_id!r} in the warehouse (see fct_indicator_facts.fact_id)")
    if args.reject:
        if fields:
            raise CorrectionError("--reject takes no --set")
        return reject_row(fact, args.note, _author(args))
    return set_row(fact, fields, previous, args.note, _author(args))


def cmd_correct(args: argparse.Namespace) -> int:
    """Validate one correction and append it to the corrections CSV (nothing is written on error)."""
    path = (args.corrections or paths.corrections_path()).resolve()
    try:
        existing = read_corrections(path)
        with _open(args) as con:
            row = _build_row(args, con, existing)
    except (CorrectionError, CorrectionsFileError) as exc:
        print(f"govreport correct: error: {exc}", file=sys.stderr)
        return 2
    append_correction(path, row)
    print(f"recorded line {len(existing) + 1} of {path}: {row['action']} {row['fact_id']} "
          f"({row['report_id']}: {row['quote']})")
    print("run `govreport run` to apply it to the marts")
    return 0


def cmd_corrections(args: argparse.Namespace) -> int:
    """List every correction with its status; with ``--check`` list only the orphaned ones (exit 1 if any)."""
    path = (args.corrections or paths.corrections_path()).resolve()
    try:
        rows = read_corrections(path)
        with _open(args) as con:
            facts = con.execute("SELECT fact_id, report_id, quote, indicator_id FROM fct_extracted_facts").fetchall()
            reports = {rid: (sha, text) for rid, sha, text in con.execute(
                "SELECT report_id, content_sha256, report_text FROM dim_report").fetchall()}
    except (CorrectionError, CorrectionsFileError) as exc:
        print(f"govreport corrections: error: {exc}", file=sys.stderr)
        return 2
    extracted = {fid: rid for fid, rid, _, _ in facts}
    quotes: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for fid, rid, quote, indicator in facts:
        quotes.setdefault((rid, quote), []).append((fid, indicator))
    verdicts = judge_corrections(rows, extracted, reports, quotes)
    orphans = [v for v in verdicts if v.status == "orphaned"]
    shown = orphans if args.check else verdicts
    for v in shown:
        print(f"line {v.line_no:>4}  {v.status:<10} {v.action:<6} {v.fact_id}  {v.report_id or '-'}  "
              f"{(v.quote or '')[:50]}" + (f"\n           {v.reason}" if v.reason else "")
              + (f"\n           {v.suggestion}" if v.suggestion else ""))
    if orphans:
        print(f"{len(orphans)} of {len(rows)} correction(s) in {path} no longer apply (orphaned): "
              "their fact is gone; re-make them on the current facts and delete the old lines.",
              file=sys.stderr)
        return 1 if args.check else 0
    print(f"all {len(rows)} correction(s) in {path} apply.")
    return 0


def add_parsers(sub: argparse._SubParsersAction, warehouse_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register ``correct`` and ``corrections`` on the ``govreport`` sub-command parser."""
    corrections_help = "corrections CSV (default: $GOVREPORT_CORRECTIONS or data/corrections.csv)"
    co = sub.add_parser("correct", help="record a correction of a fact (reject, set fields, or add a missed fact)")
    co.add_argument("fact_id", nargs="?", help="fact_id of the fact to correct (fct_indicator_facts)")
    action = co.add_mutually_exclusive_group()
    action.add_argument("--reject", action="store_true", help="the fact is wrong: drop it from the marts")
    action.add_argument("--add", metavar="REPORT_ID", help="add a fact the extractor missed to this report "
                        "(with --quote and --set FIELD=VALUE …)")
    co.add_argument("--set", nargs="+", metavar="FIELD=VALUE",
                    help="fields to change (or of the added fact): indicator_id kind period_year measure value "
                         "value_low value_high unit qualifier subject (FIELD= clears it: subject= = whole region)")
    co.add_argument("--quote", help="with --add: the fact's text exactly as in the report")
    co.add_argument("--at", type=int, help="with --add: offset of the quote when it occurs more than once")
    co.add_argument("--note", help="why (kept in the CSV and the audit table)")
    co.add_argument("--author", help="who (default: $GOVREPORT_AUTHOR or the login name)")
    co.add_argument("--corrections", type=Path, default=None, help=corrections_help)
    warehouse_arg(co)
    co.set_defaults(func=cmd_correct)

    cs = sub.add_parser("corrections", help="list the corrections and whether they still apply")
    cs.add_argument("--check", action="store_true", help="list only orphaned corrections; exit 1 if there are any")
    cs.add_argument("--corrections", type=Path, default=None, help=corrections_help)
    warehouse_arg(cs)
    cs.set_defaults(func=cmd_corrections)
