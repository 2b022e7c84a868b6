"""`workspace.yaml` loads: the same code location `dagster dev` serves, with graph, partitions, sensor, schedule, checks."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow  # dagster CLI and webserver in child processes

BIN = Path(sys.executable).parent


def test_definitions_validate_through_workspace_yaml(tmp_path: Path):
    proc = subprocess.run(
        [str(BIN / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "DAGSTER_HOME": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "All code locations passed validation" in proc.stderr + proc.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


GRAPH_QUERY = """
{ repositoriesOrError { ... on RepositoryConnection { nodes {
    name
    sensors { name defaultSensorStatus: sensorState { status } }
    schedules { name cronSchedule executionTimezone }
    assetNodes { assetKey { path } isPartitioned hasAssetChecks }
} } } }
"""


def test_webserver_serves_the_asset_graph(tmp_path: Path):
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "dagster-webserver"), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "DAGSTER_HOME": str(tmp_path)},
    )
    try:
        body = json.dumps({"query": GRAPH_QUERY}).encode()
        data = None
        for _ in range(240):  # bounded: up to ~2 minutes on a loaded machine
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=body,
                                                 headers={"Content-Type": "application/json"})
                data = json.loads(urllib.request.urlopen(request, timeout=10).read())
                if data["data"]["repositoriesOrError"].get("nodes"):
                    break
            except (OSError, KeyError, TypeError):
                pass
            time.sleep(0.5)
        assert data is not None, "webserver never answered"
        repo = data["data"]["repositoriesOrError"]["nodes"][0]
    finally:
        server.terminate()
        server.wait(timeout=60)
    assets = {"/".join(a["assetKey"]["path"]): a for a in repo["assetNodes"]}
    for key in ("landing/report_texts", "landing/indicator_facts", "raw/facts", "fct_target_vs_actual",
                "published_warehouse"):
        assert key in assets, key
    assert assets["landing/report_texts"]["isPartitioned"] is True
    assert assets["raw/reports"]["hasAssetChecks"] is True  # row_counts_sane
    assert assets["fct_indicator_facts"]["hasAssetChecks"] is True  # dbt tests, facts_have_provenance among them
    assert [s["name"] for s in repo["sensors"]] == ["corrections_file_sensor", "report_folder_sensor"]
    assert repo["schedules"] == [{"name": "daily_full_refresh", "cronSchedule": "0 6 * * *",
                                  "executionTimezone": "Asia/Shanghai"}]
