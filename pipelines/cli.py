"""``govreport``: the command line of the pipeline.

    govreport run [--reports DIR] [--warehouse PATH]     materialise everything through Dagster
    govreport extract PATH [--level L --region R --year Y]  facts of one file as JSON lines
    govreport evaluate [GOLD_DIR]                           precision/recall against the gold facts
    govreport quarantine [--warehouse PATH]                 files set aside, with their reasons
    govreport query SQL [--warehouse PATH]                  run SQL on the published warehouse
    govreport chart ...                                     target-vs-actual / cross-region charts
    govreport export --format csv|parquet|dta|xlsx [--wide] --out PATH   facts or region × year panel
    govreport bench [--quick]                               throughput benchmarks
    govreport correct FACT_ID --reject | --set F=V … | --add REPORT_ID --quote Q --set F=V …
    govreport corrections [--check]                         corrections and whether they still apply
    govreport review [--region R --year Y --indicator I] --out review.html   facts highlighted in their text
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipelines import paths


class CommandError(Exception):
    """A failure to report as ``govreport <cmd>: error: <message>`` with exit status 1."""


def _warehouse_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--warehouse", type=Path, default=None,
        help="DuckDB warehouse file (default: $GOVREPORT_WAREHOUSE or data/warehouse/govreport.duckdb)",
    )


def _cmd_run(args: argparse.Namespace) -> int:
    from pipelines.defs.progress import Progress
    from pipelines.defs.runner import run_pipeline

    reports = (args.reports or paths.reports_dir()).resolve()
    warehouse = (args.warehouse or paths.warehouse_path()).resolve()
    print(f"govreport run: reports under {reports}", file=sys.stderr)
    outcome = run_pipeline(reports, warehouse, allow_removal=True if args.allow_removal else None,
                           corrections=args.corrections, progress=None if args.verbose else Progress(),
                           fault_pause=args.fault_pause, force_build=args.rebuild)
    for rel, why in outcome.skipped:
        print(f"govreport run: skipped {rel}: {why}", file=sys.stderr)
    if not outcome.success:
        hint = "" if args.verbose else " (govreport run --verbose prints the whole event log)"
        raise CommandError(f"run {outcome.run_id} failed: {outcome.error}{hint}")
    for failed in outcome.failed_checks:
        print(f"govreport run: warning: asset check failed: {failed}", file=sys.stderr)
    print_run_summary(outcome, all_tables=args.verbose)
    return 0


def print_run_summary(outcome, all_tables: bool = False) -> None:
    """The table ``govreport run`` ends with: reports, quarantine reasons, facts, marts with row counts, paths.

    ``all_tables`` lists every table and view (raw, staging, …) instead of the marts only.
    """
    counts = outcome.table_counts

    def rows(name: str) -> int:
        return next((n for key, n in counts.items() if key.rsplit(".", 1)[-1] == name and not key.startswith("raw.")),
                    counts.get(f"raw.{name}", 0))

    print(f"\nRun {outcome.run_id[:8]} succeeded: {len(outcome.partitions)} report files.")
    print(f"  {'reports loaded':<34}{counts.get('raw.reports', 0):>9}")
    quarantined = sum(n for severity, _code, n in outcome.quarantine if severity != "warning")
    print(f"  {'quarantined':<34}{quarantined:>9}")
    for severity, code, n in outcome.quarantine:
        print(f"    {severity + ': ' + code:<32}{n:>9}")
    print(f"  {'facts (raw.facts)':<34}{counts.get('raw.facts', 0):>9}")
    print(f"  {'facts after corrections':<34}{rows('fct_indicator_facts'):>9}")
    marts = {k: n for k, n in counts.items() if all_tables or k.rsplit(".", 1)[-1].startswith(("fct_", "dim_"))}
    print("Tables and views, rows:" if all_tables else "Marts, rows:")
    for name, count in marts.items():
        print(f"  {name:<34}{count:>9}")
    print(f"Warehouse (building):  {outcome.warehouse}")
    print(f"Published (BI tools):  {outcome.published}")
    if outcome.exports is not None:
        print(f"Parquet exports:       {outcome.exports}")


def _cmd_extract(args: argparse.Namespace) -> int:
    from pipelines.extract import extract_facts
    from pipelines.ingest import read_report

    path: Path = args.path
    if not path.exists():
        print(f"govreport extract: error: {path} does not exist", file=sys.stderr)
        return 2
    outcome = read_report(path, None, region=args.region, region_level=args.level, report_year=args.year)
    doc = outcome.document
    if doc is None:
        for issue in outcome.issues:
            print(f"govreport extract: error: {path}: {issue.reason_code}: {issue.reason}", file=sys.stderr)
        return 1
    for issue in outcome.issues:
        print(f"govreport extract: warning: {issue.reason_code}: {issue.reason}", file=sys.stderr)
    facts = extract_facts(doc.text, region=doc.region, region_level=doc.region_level, report_year=doc.report_year)
    out = sys.stdout
    for fact in facts:
        out.write(json.dumps(fact.to_dict(), ensure_ascii=False) + "\n")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from pipelines.extract.evaluate import main as evaluate_main

    return evaluate_main([str(args.gold_dir), "--set", args.set] + (["--details"] if args.details else []))


def _cmd_quarantine(args: argparse.Namespace) -> int:
    from pipelines.warehouse.connection import read_warehouse

    warehouse = (args.warehouse or paths.warehouse_path()).resolve()
    if not warehouse.exists():
        raise CommandError(f"no warehouse at {warehouse}; run `govreport run` first")
    # Read-only under the shared reader lock: waits for a running writer instead of failing on
    # DuckDB's lock, and works on a read-only warehouse folder too.
    with read_warehouse(warehouse) as con:
        rows = con.execute(
            "SELECT severity, reason_code, source_path, reason, detected_encoding, size_bytes, first_chars, "
            "duplicate_of, recorded_at FROM raw.ingest_quarantine ORDER BY severity, source_path"
        ).fetchall()
    if not rows:
        print("No files in quarantine.")
        return 0
    for sev, code, src, reason, enc, size, first, dup, at in rows:
        print(f"[{sev}] {code}: {src}")
        print(f"    {reason}")
        print(f"    encoding={enc} size={size} recorded={at:%Y-%m-%d %H:%M:%S}" + (f" duplicate_of={dup}" if dup else ""))
        if first:
            print(f"    starts: {first[:60]!r}")
    print(f"{len(rows)} file(s) in quarantine.")
    return 0


def _cmd_query(args: argparse.Namespace) -> int:
    from pipelines.warehouse.sandbox import connect_sandboxed

    target = (args.warehouse or paths.published_path()).resolve()
    if not target.exists():
        raise CommandError(f"{target} does not exist; run `govreport run` first")
    con = connect_sandboxed(target)
    try:
        frame = con.execute(args.sql).df()
    finally:
        con.close()
    print(frame.to_string(index=False) if args.format == "table" else frame.to_csv(index=False), end="\n")
    return 0


def _cmd_chart(args: argparse.Namespace) -> int:
    from pipelines.reporting import charts

    target = (args.warehouse or paths.published_path()).resolve()
    if not target.exists():
        raise CommandError(f"{target} does not exist; run `govreport run` first")
    if args.chart == "target-vs-actual":
        result = charts.target_vs_actual_chart(target, args.region, args.indicator, args.out)
    else:
        result = charts.cross_region_chart(
            target, args.indicator, args.year, args.out, kind=args.kind, region_level=args.level
        )
    print(f"wrote {result.path} ({len(result.points)} data points)")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from pipelines.reporting import export

    target = (args.warehouse or paths.published_path()).resolve()
    try:
        result = export.export(target, args.out, args.format, wide=args.wide)
    except Exception as exc:  # noqa: BLE001 - a CLI reports every failure the same way
        print(f"govreport export: error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {result.path} ({result.table}: {result.rows} rows, {result.columns} columns)")
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    # The benchmarks live in the checkout's bench/ folder, not in the installed package.
    if not (paths.PROJECT_ROOT / "bench" / "run.py").is_file():
        print("govreport bench: error: bench/ not found; run it from a checkout of govreport", file=sys.stderr)
        return 2
    sys.path.insert(0, str(paths.PROJECT_ROOT))
    from bench.run import main as bench_main

    return bench_main(["--quick"] if args.quick else [])


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``govreport``."""
    parser = argparse.ArgumentParser(prog="govreport", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="materialise every asset (ingest, extract, load, dbt, publish) in-process")
    run.add_argument("--reports", type=Path, default=None,
                     help="folder of report files (default: $GOVREPORT_REPORTS_DIR or data/reports)")
    run.add_argument("--allow-removal", action="store_true",
                     help="let this run remove more than the allowed share (20%%, $GOVREPORT_MAX_REMOVAL_SHARE) "
                          "of the loaded reports, or reports whose files cannot be read")
    run.add_argument("--corrections", type=Path, default=None,
                     help="corrections CSV (default: $GOVREPORT_CORRECTIONS or data/corrections.csv)")
    run.add_argument("-v", "--verbose", action="store_true",
                     help="print Dagster's event log (every step, dbt's own output) and every table")
    # For fault tests only: "<stage>:<marker file>" pauses the load or publish there (pipelines.warehouse.faults).
    run.add_argument("--rebuild", action="store_true",
                     help="run dbt build and publish even when nothing changed since the last published build")
    run.add_argument("--fault-pause", default="", help=argparse.SUPPRESS)
    _warehouse_arg(run)
    run.set_defaults(func=_cmd_run)

    ext = sub.add_parser("extract", help="print the facts of one report file as JSON lines")
    ext.add_argument("path", type=Path)
    ext.add_argument("--level", choices=["national", "province", "city", "county"])
    ext.add_argument("--region")
    ext.add_argument("--year", type=int)
    ext.set_defaults(func=_cmd_extract)

    ev = sub.add_parser("evaluate", help="score extraction against hand-checked gold facts")
    ev.add_argument("gold_dir", nargs="?", type=Path, default=paths.SHARED_DIR / "gold")
    ev.add_argument("--set", "--scope", dest="set", choices=["headline", "full", "city", "all"], default="all",
                    help="gold set: headline paragraphs, full documents, city excerpts (default: all)")
    ev.add_argument("--details", action="store_true", help="list every miss and false positive")
    ev.set_defaults(func=_cmd_evaluate)

    qu = sub.add_parser("quarantine", help="list files set aside (rejected, duplicates, warnings)")
    _warehouse_arg(qu)
    qu.set_defaults(func=_cmd_quarantine)

    q = sub.add_parser("query", help="run SQL against the published warehouse (read-only, sandboxed: "
                                     "no file access, no extensions)")
    q.add_argument("sql")
    q.add_argument("--format", choices=["table", "csv"], default="table")
    _warehouse_arg(q)
    q.set_defaults(func=_cmd_query)

    ch = sub.add_parser("chart", help="render a chart from the published warehouse to .png or .html")
    ch.add_argument("chart", choices=["target-vs-actual", "cross-region"])
    ch.add_argument("--indicator", default="gdp_growth")
    ch.add_argument("--region", default="南京市", help="for target-vs-actual")
    ch.add_argument("--year", type=int, default=2026, help="for cross-region")
    ch.add_argument("--kind", default="target", choices=["actual", "target", "plan_target"])
    ch.add_argument("--level", default="province", choices=["national", "province", "city", "county"])
    ch.add_argument("--out", type=Path, required=True)
    _warehouse_arg(ch)
    ch.set_defaults(func=_cmd_chart)

    ex = sub.add_parser("export", help="write the facts or the region × year panel as csv, parquet, dta or xlsx")
    ex.add_argument("--format", required=True, choices=["csv", "parquet", "dta", "xlsx"])
    ex.add_argument("--wide", action="store_true",
                    help="one row per region and year, one column per indicator × kind × measure")
    ex.add_argument("--out", type=Path, required=True)
    ex.add_argument("--warehouse", type=Path, default=None,
                    help="DuckDB file to read (default: the published snapshot, opened read-only)")
    ex.set_defaults(func=_cmd_export)

    b = sub.add_parser("bench", help="extraction throughput vs jieba and a regex scan; scaling")
    b.add_argument("--quick", action="store_true")
    b.set_defaults(func=_cmd_bench)

    from pipelines.corrections.commands import add_parsers as add_correction_parsers

    add_correction_parsers(sub, _warehouse_arg)
    from pipelines.reporting.review_cli import add_parser as add_review_parser

    add_review_parser(sub, _warehouse_arg)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``govreport`` console script.

    Every failure ends as ``govreport <cmd>: error: <message>`` on stderr and exit status 1 (2 for
    usage errors), never a traceback.
    """
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print(f"govreport {args.command}: error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a CLI reports every failure the same way
        message = str(exc).strip() or type(exc).__name__
        ours = type(exc).__module__.startswith(("pipelines", "duckdb", "_duckdb"))
        if not (ours or isinstance(exc, FileNotFoundError | ValueError)):
            message = f"{type(exc).__name__}: {message}"
        print(f"govreport {args.command}: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
