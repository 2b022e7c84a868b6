"""``dbt build`` inside this process, on a manifest parsed once per process.

Why not a new ``dbt`` process per run, as dagster-dbt's ``DbtCliResource`` does: a new process pays
Python start-up and dbt's imports (about 2 s), and a full parse of the project (about 4 s) whenever
the warehouse path differs from the previous run's, because dbt throws its partial parse away when
``--vars`` change. One ``dbt build`` of the sample warehouse took 12.8 s as a new process and 6.8 s
here (measured side by side on 2026-11-30). The parsed manifest only depends on the project files and
on the warehouse's database name (DuckDB names the catalog after the file stem), so it is kept per
``(project, stem, project files)`` and re-used for every warehouse of that name.

The build excludes dbt's unit tests: they test the SQL, not the data, and run in the test suite
(``tests/dbt/test_dbt_build.py``) instead of in every pipeline run.

dbt's in-process state is global (its flags, its event manager, dbt-duckdb's one open database), so
invocations are serialised with a lock, and the DuckDB database dbt-duckdb keeps open is closed when
a build ends, so that the publish and the next load can open the file.
"""

from __future__ import annotations

import gc
import hashlib
import json
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pipelines.landing.workers import WAREHOUSE_VAR

# Result events: one per seed, model, snapshot or test that finished (the events dagster-dbt reads).
RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})
_INVOKE_LOCK = threading.Lock()
_MANIFESTS: dict[tuple[str, str, str], Any] = {}


class DbtBuildError(RuntimeError):
    """dbt could not parse the project or a node of the build failed (the message names which)."""


def project_fingerprint(project_dir: Path) -> str:
    """A digest of every file dbt parses (path, size, modification time): a change invalidates the manifest."""
    digest = hashlib.sha256()
    for sub in ("dbt_project.yml", "profiles.yml", "models", "seeds", "macros", "tests", "snapshots", "analyses"):
        root = project_dir / sub
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
        for path in files:
            stat = path.stat()
            digest.update(f"{path.relative_to(project_dir)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _common_args(project_dir: Path, warehouse: Path, target_path: Path) -> list[str]:
    return ["--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
            "--target-path", str(target_path), "--log-path", str(target_path), "--log-level-file", "info",
            "--vars", json.dumps({WAREHOUSE_VAR: str(warehouse)}), "--no-use-colors", "--quiet",
            "--no-send-anonymous-usage-stats"]


def _parsed_manifest(project_dir: Path, warehouse: Path, target_path: Path) -> Any:
    """The project's manifest for warehouses named like ``warehouse``: parsed on first use in this process."""
    from dbt.cli.main import dbtRunner

    key = (str(project_dir.resolve()), warehouse.stem, project_fingerprint(project_dir))
    if key not in _MANIFESTS:
        result = dbtRunner().invoke(["parse", *_common_args(project_dir, warehouse, target_path)])
        if not result.success or result.result is None:
            raise DbtBuildError(f"dbt could not parse {project_dir}: {result.exception or 'see dbt.log in ' + str(target_path)}")
        for stale in [k for k in _MANIFESTS if k[0] == key[0] and k[2] != key[2]]:
            del _MANIFESTS[stale]  # an edited project never needs its old manifests again
        _MANIFESTS[key] = result.result
        # The manifest lives as long as the process: moved out of the collector's reach, the full collection
        # that closes dbt's database after every build (_close_duckdb) no longer walks its objects
        # (about 0.15 s a build).
        gc.collect()
        gc.freeze()
    return _MANIFESTS[key]


def write_manifest(project_dir: Path, target_path: Path) -> None:
    """Parse the project and write ``manifest.json`` into ``target_path`` (what Dagster's dbt assets are built from)."""
    from dbt.cli.main import dbtRunner

    with _INVOKE_LOCK:
        placeholder = target_path / "parse.duckdb"  # dbt parse never opens it; the profile needs a path
        result = dbtRunner().invoke(["parse", *_common_args(project_dir, placeholder, target_path)])
    if not result.success:
        raise DbtBuildError(f"dbt could not parse {project_dir}: {result.exception or 'see dbt.log in ' + str(target_path)}")


def _close_duckdb() -> None:
    """Close the database dbt-duckdb keeps open in this process, so other connections can open the file."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
        if env is not None:
            env.close()
    gc.collect()  # a cursor still referenced by dbt's objects keeps the database instance alive


def build_events(
    project_dir: Path, warehouse: Path, target_path: Path, selection: Sequence[str] = (),
    on_line: Callable[[str], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Run ``dbt build`` on ``warehouse`` and yield each node's result event (as dbt's JSON log dict) as it ends.

    ``selection`` is extra arguments after the common ones: node selection (``--select …``), and options that
    override a common one (``--log-level-file warn``: dbt keeps the last); ``on_line`` gets dbt's log
    messages. Raises :class:`DbtBuildError` after the last event when a node failed or dbt itself did.
    """
    from dbt.cli.main import dbtRunner
    from dbt_common.events.functions import msg_to_dict

    target_path.mkdir(parents=True, exist_ok=True)
    # dbt calls ``collect`` on its own threads; the caller's thread yields from the queue as events arrive
    events: queue.Queue[tuple[str, Any]] = queue.Queue()

    def collect(event) -> None:
        if event.info.name in RESULT_EVENTS:
            events.put(("result", msg_to_dict(event)))
        elif on_line is not None and event.info.level in ("info", "warn", "error"):
            events.put(("line", event.info.msg))

    outcome: dict[str, Any] = {}

    def invoke() -> None:
        try:
            with _INVOKE_LOCK:
                try:
                    manifest = _parsed_manifest(project_dir, warehouse, target_path)
                    # --no-write-json: the manifest and run results dbt would write after every build (0.3 s of
                    # a one-report build in a profile) are read by nothing here; the results reach the caller as events
                    args = ["build", *_common_args(project_dir, warehouse, target_path), "--no-write-json",
                            "--exclude-resource-type", "unit_test", *selection]
                    outcome["result"] = dbtRunner(manifest=manifest, callbacks=[collect]).invoke(args)
                finally:
                    _close_duckdb()
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc
        finally:
            events.put(("done", None))

    worker = threading.Thread(target=invoke, name="dbt-build", daemon=True)
    worker.start()
    while (item := events.get())[0] != "done":
        kind, payload = item
        if kind == "result":
            yield payload
        else:
            on_line(payload)
    worker.join()
    _raise_for(outcome, target_path)


def _raise_for(outcome: dict[str, Any], target_path: Path) -> None:
    if "error" in outcome:
        raise DbtBuildError(f"dbt build failed: {outcome['error']}") from outcome["error"]
    result = outcome["result"]
    if result.success:
        return
    failed = []
    for node in getattr(result.result, "results", None) or []:
        status = str(getattr(node, "status", "")).lower()
        if status in ("error", "fail", "runtime error"):
            failed.append(f"{node.node.unique_id}: {status}: {(node.message or '').strip()[:300]}")
    detail = "\n".join(failed) or str(result.exception or "see dbt.log")
    raise DbtBuildError(f"dbt build failed (log: {target_path / 'dbt.log'}):\n{detail}")
