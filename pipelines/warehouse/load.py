"""Load staged partitions into the raw tables: transactions of whole partitions, incremental, idempotent.

The loader compares each staged partition's hash with ``raw.load_state`` and only touches
partitions that are new, changed or gone. It deletes their rows from every raw table and inserts the
new ones, with each partition's ``raw.load_state`` row in the same transaction as its rows. A load of up
to :data:`COMMIT_EVERY` partitions is one transaction, so a killed load leaves the warehouse as it was;
a larger one (a first load of a national panel) commits every :data:`COMMIT_EVERY` partitions, so
DuckDB never holds more than that many partitions' uncommitted rows in memory, and a killed load
leaves whole partitions loaded, which the next load recognises and completes. Either way a re-run
never duplicates or drops facts.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from pipelines.landing.store import LandingStore, StagedPartition
from pipelines.warehouse.faults import Pause, pause_at
from pipelines.warehouse.guard import RemovalPolicy, check_removal, plan_removal, under_prefixes
from pipelines.warehouse.limits import load_memory_limit, memory_limit
from pipelines.warehouse.schema import PARTITIONED_TABLES

_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
}


_FLUSH_EVERY = 200  # partitions per insert batch
# Partitions per transaction: DuckDB keeps a transaction's new rows in memory until it commits (a row group
# of report texts is never full enough to be written early), so a load of 10,000 reports in one transaction
# peaked at 946 MB under the 512MB cap; a multiple of _FLUSH_EVERY.
COMMIT_EVERY = 1000


@dataclass
class LoadSummary:
    """What one load changed."""

    partitions_loaded: list[str] = field(default_factory=list)
    partitions_removed: list[str] = field(default_factory=list)
    partitions_unchanged: int = 0
    rows_inserted: dict[str, int] = field(default_factory=dict)
    duplicates: dict[str, str] = field(default_factory=dict)  # partition -> partition it duplicates
    rejected: list[str] = field(default_factory=list)
    regions_touched: int = 0  # regions whose reports changed (recorded in raw.pending_regions)


# Bump when what the loader writes for the same staged data changes (e.g. the fact_id rule): every
# partition is then reloaded once, so no warehouse keeps ids made by an older rule.
LOAD_FORMAT = "3"


# What the dbt test headline_facts_present looks for in a text (its SQL holds the same patterns, for rows
# loaded before these flags existed): a GDP growth statement with a number, and a main-targets paragraph.
# Python's \d, like RE2's \p{Nd}, is any Unicode decimal digit.
_STATES_GDP_GROWTH = re.compile(r"(生产总值|经济)(实际)?(增长|增速)[^。；，\n]{0,4}?\d")
_STATES_MAIN_TARGETS = re.compile(r"主要预期目标|主要目标是")


def headline_signals(text: str) -> dict[str, bool]:
    """Whether a report text states GDP growth and has a main-targets paragraph (``raw.reports`` flags).

    Computed once per report in the load, so the headline recall test does not run two regular
    expressions over every text of the warehouse on every build.
    """
    return {"states_gdp_growth": _STATES_GDP_GROWTH.search(text) is not None,
            "states_main_targets": _STATES_MAIN_TARGETS.search(text) is not None}


def verified_quote_key(text: str, quote: str | None, char_start: int | None, char_end: int | None) -> str | None:
    """md5 of ``quote|char_start|char_end`` when ``quote`` is exactly ``text[char_start:char_end]``, else None.

    The loader holds one report's text and facts at a time, so it checks provenance there, with memory
    flat in the number of reports; the dbt test ``quote_matches_text`` trusts a fact whose quote and
    offsets still hash to this key and checks every other fact against its report's text itself (the
    same md5 in SQL: ``md5(concat_ws('|', quote, char_start, char_end))``).
    """
    if not quote or char_start is None or char_end is None:
        return None
    if char_start < 0 or char_end < char_start or char_end > len(text) or text[char_start:char_end] != quote:
        return None
    return hashlib.md5(f"{quote}|{char_start}|{char_end}".encode()).hexdigest()


def fact_id(content_sha256: str, char_start: int, char_end: int, indicator_id: str, *extra: object) -> str:
    """A stable id for a fact: sha256 of the report text's hash, the quote's offsets and the indicator.

    The same text always yields the same ids, whatever the run, the extractor version or the order
    facts come out in; it never depends on a row number or on the extracted value, so an analyst's
    correction of a value stays attached to its fact. Kind, measure and period are left out: over the
    developer corpus (69 documents, 2031 facts) offsets + indicator are already unique, and leaving
    them out lets a correction of the kind keep its id. ``extra`` disambiguates the rare collision
    (see ``_unique_fact_ids``). dbt recomputes the same hash for added facts (``int_facts_corrected``).
    """
    parts = [content_sha256, str(char_start), str(char_end), indicator_id, *(str(e) for e in extra)]
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:20]


def _unique_fact_ids(content_sha256: str, facts: list[dict]) -> list[str]:
    """fact_id of every fact; two facts on the same span and indicator also hash kind, measure and period."""
    ids = [fact_id(content_sha256, f["char_start"], f["char_end"], f["indicator_id"]) for f in facts]
    seen = Counter(ids)
    for i, fid in enumerate(ids):
        if seen[fid] > 1:
            f = facts[i]
            ids[i] = fact_id(content_sha256, f["char_start"], f["char_end"], f["indicator_id"],
                             f.get("kind"), f.get("measure"), f.get("period_year"))
    return ids


def _load_sha(stage_sha: str) -> str:
    """What ``raw.load_state`` records for a staged partition: its hash under this ``LOAD_FORMAT``."""
    return hashlib.sha256(f"{LOAD_FORMAT}|{stage_sha}".encode()).hexdigest()


def _arrow_table(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> pa.Table:
    columns = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name = ?",
        [table],
    ).fetchall()
    schema = pa.schema([(name, _ARROW_TYPES[dtype]) for name, dtype in columns])
    return pa.Table.from_pylist([{name: row.get(name) for name, _ in columns} for row in rows], schema=schema)


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> int:
    if not rows:
        return 0
    batch = _arrow_table(con, table, rows)  # noqa: F841 - referenced by name in the SQL below
    con.execute(f"INSERT INTO raw.{table} BY NAME SELECT * FROM batch")
    return len(rows)


def _delete_partitions(con: duckdb.DuckDBPyConnection, keys: Iterable[str]) -> None:
    keys = sorted(set(keys))
    if not keys:
        return
    con.execute("CREATE OR REPLACE TEMP TABLE _gone (partition_key VARCHAR)")
    con.executemany("INSERT INTO _gone VALUES (?)", [[k] for k in keys])
    for table in PARTITIONED_TABLES:
        con.execute(f"DELETE FROM raw.{table} WHERE partition_key IN (SELECT partition_key FROM _gone)")


def _regions_of(con: duckdb.DuckDBPyConnection, keys: Iterable[str]) -> set[tuple[str, str]]:
    """``(region, region_level)`` of the loaded reports of partitions ``keys``."""
    keys = sorted(set(keys))
    if not keys:
        return set()
    return set(con.execute("SELECT DISTINCT region, region_level FROM raw.reports "
                           "WHERE partition_key IN (SELECT unnest(?::VARCHAR[]))", [keys]).fetchall())


def _record_pending_regions(con: duckdb.DuckDBPyConnection, regions: set[tuple[str, str]], now: datetime) -> None:
    """Add ``regions`` to ``raw.pending_regions``: the regions whose marts the next dbt build rebuilds."""
    known = set(con.execute("SELECT region, region_level FROM raw.pending_regions").fetchall())
    new = sorted(regions - known)
    if new:
        _insert(con, "pending_regions", [{"region": r, "region_level": lv, "recorded_at": now} for r, lv in new])


def _quarantine_row(partition_key: str, issue: dict, now: datetime) -> dict:
    return {**issue, "partition_key": partition_key, "recorded_at": now}


def _duplicates_of(con: duckdb.DuckDBPyConnection, keys: set[str]) -> set[str]:
    """Partitions recorded as duplicates of any of ``keys``."""
    if not keys:
        return set()
    rows = con.execute(
        "SELECT partition_key, duplicate_of FROM raw.ingest_quarantine WHERE severity = 'duplicate'"
    ).fetchall()
    return {pk for pk, of in rows if of in keys}


def _duplicate_issue(source_path: str, doc: dict, original: str, reason: str) -> dict:
    return {
        "source_path": source_path,
        "reason_code": "duplicate",
        "reason": reason,
        "severity": "duplicate",
        "detected_encoding": doc.get("encoding"),
        "size_bytes": doc.get("size_bytes"),
        "first_chars": doc["text"][:80].replace("\n", " "),
        "duplicate_of": original,
    }


def _beats(key: str, length: int, other: str, other_length: int) -> bool:
    """Whether partition ``key`` is kept over ``other`` holding the same report or text: the longer text
    wins, then the smaller partition key. The order the files arrived in never matters, so a warehouse
    built run by run keeps the same partition as one built from scratch."""
    return (length, other) > (other_length, key)


def _duplicate_reason(same_content: bool, report_id: str, winner: str) -> str:
    """Why a partition is set aside in favour of ``winner`` (the same words whichever was loaded first)."""
    if same_content:
        return f"same normalised content as partition {winner}"
    return f"report {report_id} is loaded from partition {winner}, a text at least as long"


def _evict(con, rows: dict[str, list[dict]], loser: str, winner: str, reason: str, now: datetime,
           summary: LoadSummary) -> None:
    """Unload partition ``loser`` (in this batch or already in the tables) in favour of ``winner``."""
    loser_doc = None
    for table in ("reports", "facts", "keyword_counts"):
        for row in rows[table]:
            if table == "reports" and row["partition_key"] == loser:
                loser_doc = row
        rows[table] = [r for r in rows[table] if r["partition_key"] != loser]
    if loser_doc is None:
        found = con.execute(
            "SELECT source_path, encoding, size_bytes, text FROM raw.reports WHERE partition_key = ?", [loser]
        ).fetchone()
        loser_doc = {"source_path": found[0], "encoding": found[1], "size_bytes": found[2], "text": found[3]}
    for table in ("reports", "facts", "keyword_counts"):
        con.execute(f"DELETE FROM raw.{table} WHERE partition_key = ?", [loser])
    con.execute("UPDATE raw.load_state SET status = 'duplicate' WHERE partition_key = ?", [loser])
    for row in rows["load_state"]:
        if row["partition_key"] == loser:
            row["status"] = "duplicate"
    rows["ingest_quarantine"].append(_quarantine_row(loser, _duplicate_issue(
        loser_doc["source_path"], loser_doc, winner, reason), now))
    summary.duplicates[loser] = winner


def _guard_removals(con, store: LandingStore, policy: RemovalPolicy, to_remove: list[str],
                    to_load: list[str]) -> None:
    """Apply the removal guard to a load plan (loaded reports removed, or re-staged as unreadable).

    The policy's unreadable folders are looked up only when the plan removes loaded reports: a loaded
    report under a folder that cannot be read now keeps its rows when nothing is removed."""
    loaded = {k for k, s in con.execute("SELECT partition_key, status FROM raw.load_state").fetchall()
              if s == "loaded"}
    prefixes = policy.unreadable() if set(to_remove) & loaded else ()
    unreadable = {k for k in loaded if under_prefixes(k, prefixes)}
    for key in loaded.intersection(to_load):
        staged, _ = store.read_document(key)
        if staged.get("document") is None and any(i.get("reason_code") == "unreadable"
                                                  for i in staged.get("issues", [])):
            unreadable.add(key)
    plan = plan_removal(loaded, loaded - set(to_remove) - unreadable, unreadable)
    check_removal(plan, policy.max_share, policy.allow)


def sync_raw_tables(
    con: duckdb.DuckDBPyConnection,
    store: LandingStore,
    registered: set[str] | None = None,
    log=None,
    policy: RemovalPolicy | None = None,
    corrections: list[dict] | None = None,
    pause: Pause | None = None,
    commit_every: int = COMMIT_EVERY,
    staged: dict[str, StagedPartition] | None = None,
) -> LoadSummary:
    """Bring the raw tables in line with the staged partitions, in one transaction per ``commit_every``
    partitions loaded (a multiple of 200; see the module's docstring).

    ``registered`` restricts the load to these partition keys (the Dagster partitions); rows of
    any other partition are deleted. ``None`` means every staged partition. With a ``policy``,
    a load that would remove too many loaded reports, or a report whose file became unreadable,
    raises :class:`~pipelines.warehouse.guard.RemovalRefused` before anything is changed.
    ``corrections`` (rows of the corrections CSV, see ``pipelines.corrections.csvfile``) replace
    ``raw.corrections`` in the same transaction; ``None`` leaves that table alone. ``pause`` is a
    fault-test hook called with ``"before_commit"`` (the last commit; see :mod:`pipelines.warehouse.faults`).
    ``staged`` is ``store.ready_partitions()`` when the caller has listed it already (a walk of the landing
    folder and a read of every ready marker: about 0.6–1.3 s at 10,000 partitions).
    """
    if commit_every <= 0 or commit_every % _FLUSH_EVERY:
        raise ValueError(f"commit_every must be a positive multiple of {_FLUSH_EVERY}, not {commit_every}")
    summary = LoadSummary()
    staged = store.ready_partitions() if staged is None else staged
    if registered is not None:
        staged = {k: v for k, v in staged.items() if k in registered}
    loaded = dict(con.execute("SELECT partition_key, stage_sha FROM raw.load_state").fetchall())
    # A registered partition that is being re-staged keeps its rows until its new stage is ready.
    keep = registered if registered is not None else staged
    to_remove = sorted(k for k in loaded if k not in keep)
    changed = {k for k, v in staged.items() if loaded.get(k) != _load_sha(v.stage_sha)}
    # Files set aside as duplicates of a partition that changes or goes are judged again.
    changed |= _duplicates_of(con, changed | set(to_remove)) & set(staged)
    to_load = sorted(changed)
    if policy is not None:
        _guard_removals(con, store, policy, to_remove, to_load)
    summary.partitions_unchanged = len(staged) - len(to_load)
    now = datetime.now(UTC).replace(tzinfo=None)
    with load_memory(con):
        _load(con, store, staged, to_remove, to_load, summary, now, log, corrections, pause, commit_every)
    summary.partitions_removed = to_remove
    return summary


@contextlib.contextmanager
def load_memory(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the load under :func:`~pipelines.warehouse.limits.load_memory_limit`, then give the database back the
    limit every pipeline connection opens with (the setting is the database's, not the connection's)."""
    con.execute(f"SET memory_limit = '{load_memory_limit()}'")
    try:
        yield
    finally:
        con.execute(f"SET memory_limit = '{memory_limit()}'")
        # Arrow's allocator keeps the batches' freed buffers for reuse; nothing after the load needs them
        # (the 10,000-report load alone: 43 MB given back to the system).
        pa.default_memory_pool().release_unused()


def _load(con, store: LandingStore, staged: dict, to_remove: list[str], to_load: list[str], summary: LoadSummary,
          now: datetime, log, corrections: list[dict] | None, pause: Pause | None, commit_every: int) -> None:
    """Delete, insert and commit (see :func:`sync_raw_tables`)."""
    con.execute("BEGIN TRANSACTION")
    try:
        touched = _regions_of(con, to_remove + to_load)  # the rows about to go: their regions' marts change
        recorded: set[tuple[str, str]] = set()  # regions recorded with the chunks committed so far
        _delete_partitions(con, to_remove + to_load)
        by_content: dict[str, str] = {}
        by_report: dict[str, tuple[str, int]] = {}  # report_id -> (partition, text length)
        lengths: dict[str, int] = {}  # loaded partition -> text length
        for pk, sha, rid, n in con.execute(
            "SELECT partition_key, content_sha256, report_id, char_count FROM raw.reports"
        ).fetchall():
            by_content[sha] = pk
            by_report[rid] = (pk, n)
            lengths[pk] = n
        rows: dict[str, list[dict]] = {t: [] for t in PARTITIONED_TABLES}
        for i, key in enumerate(to_load, 1):
            if log is not None and (i % 200 == 0 or i == len(to_load)):
                log.info(f"load: {i}/{len(to_load)} partitions prepared")
            staged_doc, _ = store.read_document(key)
            extraction = store.read_extraction(key)
            for issue in staged_doc.get("issues", []):
                rows["ingest_quarantine"].append(_quarantine_row(key, issue, now))
            doc = staged_doc.get("document")
            status, report_id = "rejected", None
            error = extraction.get("error")
            if doc is not None and error:  # e.g. extraction ran over its time budget
                rows["ingest_quarantine"].append(_quarantine_row(key, {
                    "source_path": doc["source_path"], "reason_code": error["reason_code"],
                    "reason": error["reason"], "severity": "rejected", "detected_encoding": doc.get("encoding"),
                    "size_bytes": doc.get("size_bytes"), "first_chars": doc["text"][:80].replace("\n", " "),
                    "duplicate_of": None,
                }, now))
                doc = None
            if doc is None:
                summary.rejected.append(key)
            else:
                report_id = doc["report_id"]
                length = len(doc["text"])
                while True:
                    # One text per content and per report: keep the longer, then the smaller key (_beats),
                    # evicting a loaded one when this partition wins (e.g. full text over a web summary).
                    same_content = by_content.get(doc["content_sha256"])
                    original = same_content or by_report.get(report_id, (None, 0))[0]
                    if original is None or not _beats(key, length, original, lengths[original]):
                        break
                    touched |= _regions_of(con, [original])
                    _evict(con, rows, original, key, _duplicate_reason(same_content is not None, report_id, key),
                           now, summary)
                    by_content = {h: pk for h, pk in by_content.items() if pk != original}
                    by_report = {r: v for r, v in by_report.items() if v[0] != original}
                    del lengths[original]
                if original is not None:
                    status = "duplicate"
                    summary.duplicates[key] = original
                    rows["ingest_quarantine"].append(_quarantine_row(key, _duplicate_issue(
                        doc["source_path"], doc, original,
                        _duplicate_reason(same_content is not None, report_id, original),
                    ), now))
                else:
                    status = "loaded"
                    touched.add((doc["region"], doc["region_level"]))
                    by_content[doc["content_sha256"]] = key
                    by_report[report_id] = (key, length)
                    lengths[key] = length
                    rows["reports"].append({
                        **doc,
                        **headline_signals(doc["text"]),
                        "partition_key": key,
                        "char_count": len(doc["text"]),
                        "warnings": "; ".join(doc.get("warnings") or []) or None,
                        "loaded_at": now,
                    })
                    facts = extraction.get("facts", [])
                    for fact, fid in zip(facts, _unique_fact_ids(doc["content_sha256"], facts), strict=True):
                        rows["facts"].append({
                            **fact,
                            "fact_id": fid,
                            "report_id": report_id,
                            "partition_key": key,
                            "region": doc["region"],
                            "region_level": doc["region_level"],
                            "report_year": doc["report_year"],
                            "is_headline": bool(fact.get("is_headline", False)),
                            "verified_quote_key": verified_quote_key(doc["text"], fact.get("quote"),
                                                                     fact.get("char_start"), fact.get("char_end")),
                            "loaded_at": now,
                        })
                    for kw in extraction.get("keywords", []):
                        rows["keyword_counts"].append({
                            **kw, "report_id": report_id, "partition_key": key,
                            "char_count": len(doc["text"]), "loaded_at": now,
                        })
            rows["load_state"].append({"partition_key": key, "stage_sha": _load_sha(staged[key].stage_sha),
                                       "status": status, "report_id": report_id, "loaded_at": now})
            summary.partitions_loaded.append(key)
            if i % _FLUSH_EVERY == 0 or i == len(to_load):
                # flush in batches so memory stays flat
                for table in PARTITIONED_TABLES:
                    summary.rows_inserted[table] = summary.rows_inserted.get(table, 0) + _insert(con, table, rows[table])
                    rows[table] = []
                if i % commit_every == 0 and i < len(to_load):
                    _record_pending_regions(con, touched, now)  # with the rows of the regions they name
                    recorded |= touched
                    touched = set()
                    con.execute("COMMIT")
                    con.execute("BEGIN TRANSACTION")
        for table in PARTITIONED_TABLES:
            summary.rows_inserted.setdefault(table, 0)
        _record_pending_regions(con, touched, now)
        summary.regions_touched = len(recorded | touched)
        if corrections is not None:
            summary.rows_inserted["corrections"] = replace_corrections(con, corrections, now)
        pause_at(pause, "before_commit")
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.TransactionException):  # a failed COMMIT has already ended it
            con.execute("ROLLBACK")
        raise


def replace_corrections(con: duckdb.DuckDBPyConnection, corrections: list[dict], now: datetime) -> int:
    """Replace every row of ``raw.corrections`` (call inside the load transaction); returns rows written."""
    con.execute("DELETE FROM raw.corrections")
    return _insert(con, "corrections", [{**row, "loaded_at": now} for row in corrections])


def raw_row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row count of every raw table."""
    return {t: con.execute(f"SELECT count(*) FROM raw.{t}").fetchone()[0]
            for t in (*PARTITIONED_TABLES, "corrections", "pending_regions")}
