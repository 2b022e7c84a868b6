"""``govreport bench``: the quick throughput path on the bundled sample, and the synthetic corpus builder.

No timing assertions: the machine is shared and noisy, so only the shape of the output is checked.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from bench import run as bench
from pipelines.ingest import partition_key_for, read_report
from tests.paths import SAMPLE_REPORTS

POSITIVE_KEYS = (
    "extract_chars_per_s",
    "jieba_chars_per_s",
    "regex_chars_per_s",
    "ratio_vs_jieba",
    "peak_rss_mb",
    "corpus_chars",
    "reports",
)


def test_quick_bench_prints_json_summary_last(tmp_path: Path, capsys) -> None:
    """``main(["--quick", ...])`` on the sample ends stdout with one JSON object of positive numbers."""
    rc = bench.main(["--quick", "--corpus", str(SAMPLE_REPORTS), "--no-scaling", "--rounds", "2",
                     "--results-dir", str(tmp_path)])
    assert rc == 0
    lines = capsys.readouterr().out.strip().splitlines()
    summary = json.loads(lines[-1])
    assert summary["mode"] == "quick"
    for key in POSITIVE_KEYS:
        value = summary[key]
        assert isinstance(value, int | float) and not isinstance(value, bool), key
        assert value > 0, key
    assert "extract_ge_4x_jieba" in summary["goals"]
    assert any(line.startswith("| extract_facts |") for line in lines)

    with open(tmp_path / "results.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {"metric", "value", "unit", "mode", "timestamp"} <= set(rows[0])
    metrics = {r["metric"] for r in rows}
    assert {"extract_chars_per_s", "jieba_chars_per_s", "machine_cpu", "machine_python"} <= metrics
    assert "<!-- mode:quick -->" in (tmp_path / "results.md").read_text(encoding="utf-8")


def test_results_keep_the_other_mode(tmp_path: Path) -> None:
    """Writing quick results keeps the rows and section of an earlier full run."""
    summary = {"mode": "full", "reports": 1, "ratio_vs_jieba": 5.0, "goals": {"extract_ge_4x_jieba": True}}
    bench.write_results(tmp_path, "full", summary, "full tables", "2020-01-01T00:00:00Z")
    bench.write_results(tmp_path, "quick", {**summary, "mode": "quick"}, "quick tables", "2020-01-02T00:00:00Z")
    with open(tmp_path / "results.csv", newline="", encoding="utf-8") as fh:
        modes = {r["mode"] for r in csv.DictReader(fh)}
    assert modes == {"full", "quick"}
    md = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "full tables" in md and "quick tables" in md


def test_synthetic_corpus_has_distinct_keys_and_content(tmp_path: Path) -> None:
    """Relabelled samples get distinct partition keys, path attribution and distinct content hashes."""
    sources = bench.load_corpus(SAMPLE_REPORTS)
    files = bench.make_synthetic_corpus(sources, tmp_path, 0, 3)
    keys = {partition_key_for(p, tmp_path) for p in files}
    assert len(keys) == 3
    docs = [read_report(p, tmp_path).document for p in files]
    assert all(d is not None for d in docs)
    assert {d.region for d in docs} == {"合成00000区", "合成00001区", "合成00002区"}
    assert {d.region_level for d in docs} == {"county"}
    assert len({d.content_sha256 for d in docs}) == 3
    # The marker line adds no Arabic digits, so it cannot become a number fact.
    assert not any(ch.isdigit() for ch in bench.sample_marker(12345))


def test_results_go_outside_tracked_files_by_default() -> None:
    """A bench run never modifies tracked files: the default results folder is git-ignored."""
    import subprocess

    from bench import run as bench
    from pipelines import paths

    rel = bench.RESULTS_DIR.relative_to(paths.PROJECT_ROOT)
    probe = f"{rel}/results.md"
    ignored = subprocess.run(["git", "check-ignore", "-q", probe], cwd=paths.PROJECT_ROOT)
    assert ignored.returncode == 0, f"{probe} is not git-ignored"
    assert bench.build_parser().parse_args([]).results_dir == bench.RESULTS_DIR


def test_a_failed_run_does_not_meet_a_goal_with_the_figures_it_left() -> None:
    # the 50,000 run of 2026-12-01 10:33 failed in dbt at 979 MB; the goal table said "peak RSS <= 1 GB: yes"
    summary = {"ratio_vs_jieba": 4.3, "n1000_peak_rss_main_mb": 628.0, "n1000_success": True,
               "n50000_peak_rss_main_mb": 979.0, "n50000_success": False,
               "n1000_add_one_s": 4.0, "n1000_add_one_success": True}
    goals = bench.goal_status(summary)
    assert goals["peak_rss_le_1gb"] is False
    assert goals["add_one_le_5s"] is True
    summary["n50000_success"] = True
    assert bench.goal_status(summary)["peak_rss_le_1gb"] is True
    summary["n1000_add_one_success"] = False
    assert bench.goal_status(summary)["add_one_le_5s"] is False
    assert bench.goal_status({"ratio_vs_jieba": 4.3})["peak_rss_le_1gb"] is None
