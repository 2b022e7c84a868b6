"""Several partition runs at once, in separate processes, on one warehouse: all succeed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.partitions import REPORTS_PARTITION
from tests.pipeline.helpers import query
from tests.pipeline.test_partitions_and_sensor import write_variant

RUN_ONE_PARTITION = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import dagster as dg
    from pipelines.defs.build import build_definitions
    from pipelines.defs.automation import REPORT_JOB

    reports, warehouse, key = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    selection = [dg.AssetKey(["landing", "report_texts"]), dg.AssetKey(["landing", "indicator_facts"]),
                 dg.AssetKey(["raw", "reports"]), dg.AssetKey(["raw", "facts"]),
                 dg.AssetKey(["raw", "keyword_counts"]), dg.AssetKey(["raw", "ingest_quarantine"]),
                 dg.AssetKey(["raw", "corrections"]), dg.AssetKey(["raw", "pending_regions"])]
    job = build_definitions(reports, warehouse).resolve_job_def(REPORT_JOB)
    result = job.execute_in_process(instance=dg.DagsterInstance.get(), partition_key=key,
                                    asset_selection=selection, raise_on_error=False)
    sys.exit(0 if result.success else 1)
    """
)


@pytest.mark.slow
def test_parallel_partition_runs_all_succeed(tmp_path: Path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("concurrency:\n  pools:\n    default_limit: 1\n", encoding="utf-8")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    reports = tmp_path / "reports"
    keys = []
    for i, region in enumerate(["甲市", "乙市", "丙市", "丁市"]):
        write_variant(reports, "city", region, 2024, f"variant {i}")
        keys.append(f"city/{region}/2024")
    instance = dg.DagsterInstance.get()
    instance.add_dynamic_partitions(REPORTS_PARTITION, keys)
    warehouse = tmp_path / "wh" / "govreport.duckdb"

    procs = [
        subprocess.Popen([sys.executable, "-c", RUN_ONE_PARTITION, str(reports), str(warehouse), key],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for key in keys
    ]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] == [0] * len(keys), "\n".join(o[-3000:] for o in outputs)
    loaded = query(warehouse, "SELECT report_id FROM raw.reports ORDER BY 1")
    assert [r[0] for r in loaded] == sorted(keys)
    per_report = dict(query(warehouse, "SELECT report_id, count(*) FROM raw.facts GROUP BY 1"))
    assert len(set(per_report.values())) == 1 and min(per_report.values()) > 0
