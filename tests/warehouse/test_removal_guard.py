"""No silent mass removal: an empty, wrong or partly unreadable reports folder never empties the warehouse."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pytest

from pipelines.cli import main as cli_main
from pipelines.defs.runner import run_pipeline
from pipelines.ingest.discover import scan_reports
from pipelines.landing.store import LandingStore
from pipelines.landing.work import extraction_payload, ingest_payload
from pipelines.warehouse.connection import open_warehouse
from pipelines.warehouse.guard import (
    RemovalPolicy,
    RemovalRefused,
    check_removal,
    plan_removal,
)
from pipelines.warehouse.load import raw_row_counts, sync_raw_tables
from tests.pipeline.test_partitions_and_sensor import evaluate_sensor
from tests.warehouse.test_load_faults import stage

REGIONS = ["甲市", "乙市", "丙市", "丁市", "戊市", "己市"]
KEYS = {f"city/{r}/2024" for r in REGIONS}


@pytest.fixture
def six_loaded(tmp_path: Path) -> tuple[Path, LandingStore, Path]:
    """A warehouse with six loaded reports (loaded directly, no Dagster run) and their folder."""
    reports, store, warehouse = tmp_path / "reports", LandingStore(tmp_path / "wh" / "landing"), tmp_path / "wh" / "govreport.duckdb"
    stage(reports, store, REGIONS)
    with open_warehouse(warehouse) as con:
        sync_raw_tables(con, store)
        assert raw_row_counts(con)["reports"] == 6
    return reports, store, warehouse


def _counts(warehouse: Path) -> dict[str, int]:
    with open_warehouse(warehouse) as con:
        return raw_row_counts(con)


def test_plan_share_and_unreadable():
    plan = plan_removal(KEYS, KEYS - {"city/甲市/2024"})
    assert plan.removed == ["city/甲市/2024"] and plan.problem(0.2) is None  # 1 of 6 = 17%
    check_removal(plan, 0.2, allow=False)
    two = plan_removal(KEYS, KEYS - {"city/甲市/2024", "city/乙市/2024"})
    assert "2 of 6 loaded reports (33%)" in two.problem(0.2)
    with pytest.raises(RemovalRefused, match="--allow-removal"):
        check_removal(two, 0.2, allow=False)
    check_removal(two, 0.2, allow=True)
    check_removal(two, 0.5, allow=False)  # configurable share
    unreadable = plan_removal(KEYS, KEYS - {"city/甲市/2024"}, {"city/甲市/2024"})
    assert unreadable.removed == [] and "cannot be read" in unreadable.problem(0.2)


def test_loader_refuses_mass_removal_and_changes_nothing(six_loaded):
    _, store, warehouse = six_loaded
    before = _counts(warehouse)
    with open_warehouse(warehouse) as con, pytest.raises(RemovalRefused, match="5 of 6 loaded reports"):
        sync_raw_tables(con, store, {"city/甲市/2024"}, policy=RemovalPolicy())
    assert _counts(warehouse) == before
    with open_warehouse(warehouse) as con:
        summary = sync_raw_tables(con, store, {"city/甲市/2024"}, policy=RemovalPolicy(allow=True))
    assert len(summary.partitions_removed) == 5 and _counts(warehouse)["reports"] == 1


def test_loader_refuses_a_report_whose_file_became_unreadable(six_loaded):
    """One report of six (under the share) re-staged as unreadable: refused all the same."""
    reports, store, warehouse = six_loaded
    key = "city/甲市/2024"
    payload = ingest_payload(reports / "city" / "甲市" / "missing.txt", reports, key)
    assert payload["issues"][0]["reason_code"] == "unreadable"
    store.write_extraction(key, store.write_document(key, payload), extraction_payload(None))
    before = _counts(warehouse)
    with open_warehouse(warehouse) as con, pytest.raises(RemovalRefused, match="cannot be read"):
        sync_raw_tables(con, store, KEYS, policy=RemovalPolicy())
    assert _counts(warehouse) == before


def test_unreadable_folder_is_reported_not_removed(six_loaded, monkeypatch):
    """A sub-folder that cannot be listed (root can read anything, so listing is made to fail)."""
    reports, store, warehouse = six_loaded
    real_scandir = os.scandir
    blocked = str(reports / "city" / "乙市")

    def scandir(path="."):
        if os.fspath(path) == blocked:
            raise PermissionError(13, "Permission denied", blocked)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = scan_reports(reports)
    assert found.unreadable == [("city/乙市", "cannot list folder: Permission denied")]
    assert "city/乙市/2024" not in found.files and found.is_under_unreadable("city/乙市/2024")
    with pytest.raises(RemovalRefused, match=r"cannot be read now .*city/乙市/2024"):
        run_pipeline(reports, warehouse, instance=dg.DagsterInstance.ephemeral())
    assert _counts(warehouse)["reports"] == 6
    policy = RemovalPolicy(find_unreadable=found.unreadable_prefixes)
    with open_warehouse(warehouse) as con, pytest.raises(RemovalRefused, match="cannot be read"):
        sync_raw_tables(con, store, set(found.files), policy=policy)


def test_loader_looks_for_unreadable_folders_only_when_it_would_remove_reports(six_loaded):
    """The walk that finds unreadable folders (about 0.9 s at 10,000 files) runs only for a plan that removes
    loaded reports; a load that removes nothing goes on, and the unreadable folder's reports keep their rows."""
    _, store, warehouse = six_loaded
    calls = []

    def find_unreadable() -> tuple[str, ...]:
        calls.append("walked")
        return ("city/乙市",)

    policy = RemovalPolicy(find_unreadable=find_unreadable)
    before = _counts(warehouse)
    with open_warehouse(warehouse) as con:
        summary = sync_raw_tables(con, store, KEYS, policy=policy)
    assert calls == [] and summary.partitions_removed == [] and _counts(warehouse) == before
    with open_warehouse(warehouse) as con, pytest.raises(RemovalRefused, match=r"cannot be read now .*city/乙市/2024"):
        sync_raw_tables(con, store, KEYS - {"city/乙市/2024"}, policy=policy)
    assert calls == ["walked"] and _counts(warehouse) == before


def test_cli_run_on_empty_folder_refuses(six_loaded, tmp_path, capsys):
    _, _, warehouse = six_loaded
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli_main(["run", "--reports", str(empty), "--warehouse", str(warehouse)]) == 1
    err = capsys.readouterr().err
    assert "govreport run: error: refusing to change the warehouse: 6 of 6 loaded reports (100%)" in err
    assert "Traceback" not in err
    assert _counts(warehouse)["reports"] == 6


def test_cli_run_on_a_new_batch_only_refuses(six_loaded, tmp_path, capsys):
    """A folder holding only a new batch would remove every other report: refused."""
    _, _, warehouse = six_loaded
    batch = tmp_path / "batch"
    stage(batch, LandingStore(tmp_path / "scratch"), ["庚市"])
    assert cli_main(["run", "--reports", str(batch), "--warehouse", str(warehouse)]) == 1
    assert "6 of 6 loaded reports" in capsys.readouterr().err
    assert _counts(warehouse)["reports"] == 6


def test_sensor_does_not_delete_partitions_of_a_vanished_folder(tmp_path):
    reports = tmp_path / "reports"
    stage(reports, LandingStore(tmp_path / "scratch"), REGIONS)
    instance = dg.DagsterInstance.ephemeral()
    first = evaluate_sensor(instance, reports, None)
    assert len(first.run_requests) == 1 and len(instance.get_dynamic_partitions("reports")) == 6  # one run for all
    for path in reports.rglob("*.txt"):
        path.unlink()
    emptied = evaluate_sensor(instance, reports, first.cursor)
    assert emptied.run_requests == [] and not emptied.dynamic_partitions_requests
    assert len(instance.get_dynamic_partitions("reports")) == 6


class _GuardPassed(Exception):
    """Raised where the run would start executing: the removal guard let it through."""


def test_allow_removal_lets_the_operator_mean_it(six_loaded, tmp_path, monkeypatch, capsys):
    """``--allow-removal`` (or ``GOVREPORT_ALLOW_REMOVAL=1``) on an empty folder: the guard lets the run go
    ahead (stopped right there: the removal itself is the loader's, tested above with ``allow=True``)."""
    import pipelines.defs.build

    _, _, warehouse = six_loaded
    empty = tmp_path / "empty"
    empty.mkdir()
    seen = []

    def stop_here(reports_dir=None, warehouse=None, corrections=None, *, allow_removal=None, **_):
        seen.append(allow_removal)
        raise _GuardPassed()

    monkeypatch.setattr(pipelines.defs.build, "build_definitions", stop_here)
    assert cli_main(["run", "--reports", str(empty), "--warehouse", str(warehouse), "--allow-removal"]) == 1
    assert "_GuardPassed" in capsys.readouterr().err and seen == [True]
    monkeypatch.setenv("GOVREPORT_ALLOW_REMOVAL", "1")
    with pytest.raises(_GuardPassed):
        run_pipeline(empty, warehouse, instance=dg.DagsterInstance.ephemeral())
    assert seen == [True, True] and _counts(warehouse)["reports"] == 6
