"""``govreport review``: write the review page from the published snapshot."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from pipelines import paths


def cmd_review(args: argparse.Namespace) -> int:
    """Write the review page; the data comes from the published snapshot (read-only) unless --warehouse."""
    from pipelines.reporting.review import write_review

    target = (args.warehouse or paths.published_path()).resolve()
    if not target.exists():
        print(f"govreport review: error: {target} does not exist; run `govreport run` first", file=sys.stderr)
        return 1
    import duckdb

    try:
        out, reports, facts = write_review(target, args.out, region=args.region, year=args.year,
                                           indicator=args.indicator)
    except duckdb.Error as exc:
        print(f"govreport review: error: {target}: {exc} (an older snapshot? run `govreport run`)", file=sys.stderr)
        return 1
    print(f"wrote {out} ({reports} reports, {facts} facts)")
    return 0


def add_parser(sub: argparse._SubParsersAction, warehouse_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register ``review`` on the ``govreport`` sub-command parser."""
    rv = sub.add_parser("review", help="write a self-contained HTML page: every fact highlighted in its report")
    rv.add_argument("--region", help="only reports of this region (e.g. 南京市)")
    rv.add_argument("--year", type=int, help="only reports delivered in this year")
    rv.add_argument("--indicator", help="only facts of this indicator_id (e.g. gdp_growth)")
    rv.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    warehouse_arg(rv)
    rv.set_defaults(func=cmd_review)
