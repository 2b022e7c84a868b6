"""Production behaviour: one partition per file, the folder sensor, the schedule, incremental loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.automation import REFRESH_JOB, REPORT_JOB, daily_full_refresh, report_folder_sensor
from pipelines.defs.build import build_definitions
from pipelines.defs.partitions import REPORTS_PARTITION
from pipelines.defs.resources import default_settings
from pipelines.defs.runner import run_pipeline
from pipelines.ingest.discover import scan_reports
from tests.paths import NANJING_2024
from tests.pipeline.helpers import query

NANJING_TEXT = NANJING_2024.read_text(encoding="utf-8")
LOAD_ONLY = [dg.AssetKey(["landing", "report_texts"]), dg.AssetKey(["landing", "indicator_facts"]),
             dg.AssetKey(["raw", "reports"]), dg.AssetKey(["raw", "facts"]),
             dg.AssetKey(["raw", "keyword_counts"]), dg.AssetKey(["raw", "ingest_quarantine"]),
             dg.AssetKey(["raw", "corrections"]), dg.AssetKey(["raw", "pending_regions"])]


def write_variant(reports: Path, level: str, region: str, year: int, marker: str) -> Path:
    """A distinct report file: the Nanjing text renamed to another region, with a marker so content differs."""
    path = reports / level / region / f"{year}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"（{marker}）\n" + NANJING_TEXT.replace("南京市", region), encoding="utf-8")
    return path


def evaluate_sensor(instance: dg.DagsterInstance, reports: Path, cursor: str | None) -> dg.SensorResult:
    """Evaluate the sensor once and apply its partition requests like the daemon would."""
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"settings": default_settings(reports, reports.parent / "w.duckdb")}
    )
    result = report_folder_sensor(context)
    for request in result.dynamic_partitions_requests or []:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
    return result


def test_sensor_new_same_changed_removed(tmp_path: Path, monkeypatch):
    reports = tmp_path / "reports"
    write_variant(reports, "city", "甲市", 2024, "a")
    instance = dg.DagsterInstance.ephemeral()

    first = evaluate_sensor(instance, reports, None)
    assert [r.partition_key for r in first.run_requests] == ["city/甲市/2024"]
    assert instance.get_dynamic_partitions(REPORTS_PARTITION) == ["city/甲市/2024"]

    again = evaluate_sensor(instance, reports, first.cursor)
    assert again.run_requests == []

    changed_path = write_variant(reports, "city", "甲市", 2024, "a, edited")
    changed = evaluate_sensor(instance, reports, again.cursor)
    assert [r.partition_key for r in changed.run_requests] == ["city/甲市/2024"]
    assert changed.run_requests[0].run_key != first.run_requests[0].run_key

    write_variant(reports, "city", "乙市", 2024, "b")
    added = evaluate_sensor(instance, reports, changed.cursor)
    assert [r.partition_key for r in added.run_requests] == ["city/乙市/2024"]

    changed_path.unlink()
    # one of two registered reports gone is more than the 20% the guard lets go unasked
    refused = evaluate_sensor(instance, reports, added.cursor)
    assert refused.run_requests == [] and len(instance.get_dynamic_partitions(REPORTS_PARTITION)) == 2
    monkeypatch.setenv("GOVREPORT_ALLOW_REMOVAL", "1")
    removed = evaluate_sensor(instance, reports, refused.cursor)
    assert [r.job_name for r in removed.run_requests] == [REFRESH_JOB]
    assert instance.get_dynamic_partitions(REPORTS_PARTITION) == ["city/乙市/2024"]


def test_files_dropped_together_are_one_run_over_their_range(tmp_path: Path):
    """Three new files in one tick: one run covering the three partitions (one load, build and publish), not
    three; the partitions are registered at the end of the order, so the range holds exactly them."""
    reports = tmp_path / "reports"
    write_variant(reports, "city", "甲市", 2024, "a")
    instance = dg.DagsterInstance.ephemeral()
    first = evaluate_sensor(instance, reports, None)
    for region in ("丙市", "乙市", "丁市"):
        write_variant(reports, "city", region, 2024, region)
    batch = evaluate_sensor(instance, reports, first.cursor)
    assert len(batch.run_requests) == 1
    request = batch.run_requests[0]
    assert request.partition_key is None and request.job_name == REPORT_JOB
    assert instance.get_dynamic_partitions(REPORTS_PARTITION) == [
        "city/甲市/2024", "city/丁市/2024", "city/丙市/2024", "city/乙市/2024"]
    assert (request.tags["dagster/asset_partition_range_start"],
            request.tags["dagster/asset_partition_range_end"]) == ("city/丁市/2024", "city/乙市/2024")
    assert evaluate_sensor(instance, reports, batch.cursor).run_requests == []


def test_corrections_sensor_refreshes_when_the_csv_changes(tmp_path: Path):
    from pipelines.defs.automation import corrections_file_sensor

    csv = tmp_path / "corrections.csv"
    csv.write_text("fact_id,report_id\n", encoding="utf-8")
    settings = default_settings(tmp_path / "reports", tmp_path / "w.duckdb", csv)

    def evaluate(cursor):
        return corrections_file_sensor(dg.build_sensor_context(cursor=cursor, resources={"settings": settings}))

    first = evaluate(None)
    assert first.run_requests == [] and first.cursor
    assert evaluate(first.cursor).run_requests == []
    with open(csv, "a", encoding="utf-8") as handle:
        handle.write("abc,city/南京市/2024\n")
    changed = evaluate(first.cursor)
    assert [r.job_name for r in changed.run_requests] == [REFRESH_JOB] and changed.cursor != first.cursor
    assert evaluate(changed.cursor).run_requests == []


def test_schedule_requests_one_run_over_all_partitions():
    with dg.instance_for_test() as instance:
        empty = daily_full_refresh(dg.build_schedule_context(instance=instance))
        assert isinstance(empty, dg.SkipReason)
        instance.add_dynamic_partitions(REPORTS_PARTITION, ["a/x/2024", "b/y/2025", "c/z/2026"])
        request = daily_full_refresh(dg.build_schedule_context(instance=instance))
    assert request.tags["dagster/asset_partition_range_start"] == "a/x/2024"
    assert request.tags["dagster/asset_partition_range_end"] == "c/z/2026"
    assert daily_full_refresh.execution_timezone == "Asia/Shanghai"
    assert daily_full_refresh.cron_schedule == "0 6 * * *"


@pytest.fixture(scope="module")
def two_report_build(tmp_path_factory) -> tuple[Path, Path]:
    """A warehouse built from two reports by one full run (``work``) and a pristine copy of it."""
    root = tmp_path_factory.mktemp("two_reports")
    work = root / "work"
    reports = work / "reports"
    write_variant(reports, "city", "甲市", 2024, "a")
    write_variant(reports, "city", "乙市", 2024, "b")
    outcome = run_pipeline(reports, work / "wh" / "govreport.duckdb", instance=dg.DagsterInstance.ephemeral())
    assert outcome.success, outcome.error
    shutil.copytree(work, root / "pristine")
    return work, root / "pristine"


@pytest.fixture()
def two_report_warehouse(two_report_build):
    """The two-report warehouse as the full run left it, with a Dagster instance holding its partitions.

    Each test changes it, so each gets the pristine copy back at the same paths (the landing store
    records absolute source paths) and a fresh instance: one full run serves every test of the module.
    """
    work, pristine = two_report_build
    shutil.rmtree(work)
    shutil.copytree(pristine, work)
    reports, warehouse = work / "reports", work / "wh" / "govreport.duckdb"
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(REPORTS_PARTITION, sorted(scan_reports(reports).files))  # as the run did
    return reports, warehouse, instance


def _facts_per_report(warehouse: Path) -> dict[str, int]:
    return dict(query(warehouse, "SELECT report_id, count(*) FROM raw.facts GROUP BY 1"))


@pytest.mark.slow
def test_adding_one_file_processes_only_that_file(two_report_warehouse):
    reports, warehouse, instance = two_report_warehouse
    before = _facts_per_report(warehouse)
    loaded_at_before = dict(query(warehouse, "SELECT partition_key, loaded_at FROM raw.load_state"))
    write_variant(reports, "city", "丙市", 2024, "c")
    instance.add_dynamic_partitions(REPORTS_PARTITION, ["city/丙市/2024"])
    defs = build_definitions(reports, warehouse)
    result = defs.resolve_job_def(REPORT_JOB).execute_in_process(instance=instance, partition_key="city/丙市/2024")
    assert result.success
    ingest_meta = [m for m in result.get_asset_materialization_events()
                   if m.asset_key == dg.AssetKey(["landing", "report_texts"])][0].materialization.metadata
    assert ingest_meta["files"].value == 1
    after = _facts_per_report(warehouse)
    assert after["city/丙市/2024"] == before["city/甲市/2024"]
    assert {k: v for k, v in after.items() if k != "city/丙市/2024"} == before
    loaded_at_after = dict(query(warehouse, "SELECT partition_key, loaded_at FROM raw.load_state"))
    assert {k: loaded_at_after[k] for k in loaded_at_before} == loaded_at_before  # others untouched
    # the dbt models ran in the same run and see the new report
    assert query(warehouse, "SELECT count(*) FROM fct_indicator_facts WHERE report_id = 'city/丙市/2024'")[0][0] > 0
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks["facts_have_provenance"] is True
    # an incremental build: the contracts of what it rebuilt (and of the views over the new raw rows) are
    # evaluated, the tests that read only seeds are not (the seeds are those the full run tested)
    assert checks["fct_indicator_facts_contract"] is True and checks["stg_raw__reports_contract"] is True
    assert checks["relationships_fct_indicator_facts_indicator_id__indicator_id__ref_dim_indicator_"] is True
    assert not {"units_contract", "dim_indicator_contract", "region_codes_contract"} & set(checks)


@pytest.mark.slow
def test_changed_file_replaces_and_removed_file_drops_its_facts(two_report_warehouse):
    reports, warehouse, instance = two_report_warehouse
    defs = build_definitions(reports, warehouse)
    job = defs.resolve_job_def(REPORT_JOB)
    before = _facts_per_report(warehouse)

    # a changed file: the same key now holds only the opening paragraphs of the report
    path = reports / "city" / "甲市" / "2024.txt"
    path.write_text(NANJING_TEXT.replace("南京市", "甲市")[:1900] + "\n", encoding="utf-8")
    assert job.execute_in_process(instance=instance, partition_key="city/甲市/2024", asset_selection=LOAD_ONLY).success
    after_change = _facts_per_report(warehouse)
    assert 0 < after_change["city/甲市/2024"] < before["city/甲市/2024"]
    assert after_change["city/乙市/2024"] == before["city/乙市/2024"]

    # re-materialising the same partition never duplicates
    assert job.execute_in_process(instance=instance, partition_key="city/甲市/2024", asset_selection=LOAD_ONLY).success
    assert _facts_per_report(warehouse) == after_change

    # a removed file: partition deleted (as the sensor does), then the refresh job drops its rows;
    # one of two reports is more than the 20% a run may remove unasked: the first refresh refuses
    shutil.rmtree(reports / "city" / "甲市")
    instance.delete_dynamic_partition(REPORTS_PARTITION, "city/甲市/2024")
    refresh = defs.resolve_job_def(REFRESH_JOB)
    refused = refresh.execute_in_process(instance=instance, raise_on_error=False)
    assert not refused.success and _facts_per_report(warehouse) == after_change
    assert refresh.execute_in_process(instance=instance, tags={"govreport/allow_removal": "true"}).success
    assert _facts_per_report(warehouse) == {"city/乙市/2024": before["city/乙市/2024"]}
    assert query(warehouse, "SELECT count(*) FROM fct_indicator_facts WHERE report_id = 'city/甲市/2024'")[0][0] == 0
