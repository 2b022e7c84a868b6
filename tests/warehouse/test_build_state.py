"""When a dbt build may be skipped: the inputs digest and the last published build, on a real DuckDB file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse.build_state import (
    forget_delta_base,
    full_build_reason,
    inputs_digest,
    is_published,
    pending_region_count,
    publish_delta,
    record_build,
    record_published,
)
from pipelines.warehouse.connection import ensure_raw_schema
from pipelines.warehouse.dbt_build import project_fingerprint
from tests.paths import DBT_PROJECT_DIR


@pytest.fixture
def con(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "govreport.duckdb"))
    ensure_raw_schema(con)
    con.execute("INSERT INTO raw.load_state VALUES ('city/南京市/2024.txt', 'aa', 'loaded', 'city/南京市/2024', now())")
    yield con
    con.close()


def _add_correction(con, value: str) -> None:
    con.execute(
        "INSERT INTO raw.corrections (line_no, source_path, fact_id, action, value, loaded_at) "
        "VALUES (1, 'corrections.csv', 'f1', 'set', ?, now())", [value])


def test_only_a_published_build_of_the_same_inputs_counts(con):
    digest = inputs_digest(con, "project-1")
    assert not is_published(con, digest)  # never built
    record_build(con, digest)
    assert not is_published(con, digest)  # built, the snapshot not yet published
    record_published(con)
    assert is_published(con, digest)
    assert not is_published(con, inputs_digest(con, "project-2"))  # the dbt project changed


def test_digest_follows_partitions_and_corrections_not_load_times(con):
    before = inputs_digest(con, "p")
    con.execute("UPDATE raw.load_state SET loaded_at = now() + INTERVAL 1 HOUR")
    assert inputs_digest(con, "p") == before  # a re-load of the same stage changes nothing
    con.execute("UPDATE raw.load_state SET stage_sha = 'bb'")
    changed = inputs_digest(con, "p")
    assert changed != before
    _add_correction(con, "5.0")
    with_correction = inputs_digest(con, "p")
    assert with_correction != changed
    con.execute("UPDATE raw.corrections SET value = '6.0'")
    assert inputs_digest(con, "p") != with_correction
    con.execute("DELETE FROM raw.load_state")
    assert inputs_digest(con, "p") not in (before, changed, with_correction)


def test_a_new_build_waits_for_its_own_publish(con):
    first = inputs_digest(con, "p")
    record_build(con, first)
    record_published(con)
    con.execute("UPDATE raw.load_state SET status = 'duplicate'")
    second = inputs_digest(con, "p")
    record_build(con, second)
    assert not is_published(con, first) and not is_published(con, second)
    record_published(con)
    assert is_published(con, second)
    assert con.execute("SELECT count(*) FROM raw.build_state").fetchall() == [(1,)]


def test_project_fingerprint_changes_with_a_model_file(tmp_path: Path):
    project = tmp_path / "dbt_project"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text("name: x\n", encoding="utf-8")
    model = project / "models" / "m.sql"
    model.write_text("select 1 as a\n", encoding="utf-8")
    first = project_fingerprint(project)
    assert project_fingerprint(project) == first
    model.write_text("select 2 as a, 3 as b\n", encoding="utf-8")
    assert project_fingerprint(project) != first
    assert project_fingerprint(DBT_PROJECT_DIR) == project_fingerprint(DBT_PROJECT_DIR)


def test_an_incremental_build_needs_the_last_complete_builds_project_and_corrections(con):
    """The marts can be brought up to date region by region only on top of a build of the same project
    files and corrections; a complete build empties the journal of pending regions."""
    assert full_build_reason(con, "project-1") == "no complete build recorded"
    con.execute("INSERT INTO raw.pending_regions VALUES ('南京市', 'city', now())")
    record_build(con, inputs_digest(con, "project-1"), "project-1")
    assert pending_region_count(con) == 0
    assert full_build_reason(con, "project-1") is None
    assert full_build_reason(con, "project-2") == "the dbt project changed"
    _add_correction(con, "5.1")
    assert full_build_reason(con, "project-1") == "the corrections changed"
    record_build(con, inputs_digest(con, "project-1"), "project-1")
    assert full_build_reason(con, "project-1") is None


def _pending(con, *regions: tuple[str, str]) -> None:
    for region, level in regions:
        con.execute("INSERT INTO raw.pending_regions VALUES (?, ?, now())", [region, level])


def test_a_publish_may_update_the_last_snapshot_by_the_regions_built_since(con):
    """The regions of every complete incremental build since the last publish, and of a build that did not
    complete, are what a publish replaces in that publish's snapshot; a full build since makes it copy whole."""
    assert publish_delta(con) is None  # nothing published yet
    record_build(con, "d1", "p", full=True)
    record_published(con, "snap-1")
    assert publish_delta(con).regions == [] and publish_delta(con).base == "snap-1"

    _pending(con, ("南京市", "city"))
    record_build(con, "d2", "p")
    _pending(con, ("苏州市", "city"), ("南京市", "city"))
    record_build(con, "d3", "p")
    _pending(con, ("江苏省", "province"))  # loaded, its build not complete (failed, or a partial build)
    delta = publish_delta(con)
    assert delta.base == "snap-1"
    assert delta.regions == [("南京市", "city"), ("江苏省", "province"), ("苏州市", "city")]

    record_published(con, "snap-2")
    assert publish_delta(con).regions == [("江苏省", "province")]  # still pending for dbt: published again
    record_build(con, "d4", "p")
    record_published(con, "snap-3")
    assert publish_delta(con).regions == [] and publish_delta(con).base == "snap-3"

    forget_delta_base(con)  # a full build started
    assert publish_delta(con) is None
    record_published(con, "snap-4")
    _pending(con, ("南京市", "city"))
    record_build(con, "d5", "p", full=True)
    assert publish_delta(con) is None  # the marts changed everywhere: the next publish copies them whole
