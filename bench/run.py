"""``govreport bench [--quick]``: extractor throughput against jieba and a regex scan; pipeline scaling.

Throughput (both modes) runs the extractor, ``jieba.lcut`` full segmentation, the keyword counter and
a plain regex number scan over the same normalised texts (the shared corpus when present, else the
bundled sample), interleaved over several rounds, and reports the median of each.

Full mode adds:

* scaling: synthetic corpora of N = 100, 1000 and 5000 reports (real texts relabelled as
  ``county/合成NNNNN区/<year>.txt`` with a distinct marker line) run through the real Dagster job
  into a fresh warehouse, with per-step durations taken from the run's event log;
* the incremental case: one new report added to the N=1000 warehouse, run for its partition only;
* both cores: ingest+extract of ~200 reports in one process against a pool of two.

Results go to ``data/bench/results.md`` and ``results.csv`` (git-ignored; ``--results-dir
bench/results`` updates the published copy); the last stdout line is one JSON
object with the headline numbers. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import csv
import io
import json
import multiprocessing
import os
import platform
import pstats
import re
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from pipelines import paths

# Results of a run go outside tracked files (data/bench/, git-ignored); the published figures in
# bench/results/ change only when asked: --results-dir bench/results.
RESULTS_DIR = paths.PROJECT_ROOT / "data" / "bench"
PUBLISHED_RESULTS_DIR = paths.PROJECT_ROOT / "bench" / "results"
NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
FULL_SIZES = (100, 1000, 5000)
QUICK_SIZES = (50,)
INCREMENTAL_AT = 1000  # one-report runs on top of every N from here up
PARALLEL_REPORTS = 200
STEP_GROUPS = {
    "ingest": "landing__report_texts",
    "extract": "landing__indicator_facts",
    "load": "raw_tables",
    "dbt": "dbt_models",
    "publish": "published_warehouse",
}
GOALS = {
    "ratio_vs_jieba": 4.0,  # extractor at least 4x jieba.lcut
    "e2e_1000_s": 60.0,  # 1000 reports end to end under a minute
    "incremental_ratio": 0.05,  # adding one report to 1000 costs under 5% of a full build
    "add_one_s": 5.0,  # one new report in the published snapshot within 5 s, at every N measured
    "peak_rss_mb": 1024.0,  # peak RSS of the pipeline process at most 1 GB, at every N measured
    "marginal_growth": 1.3,  # marginal cost per report at 1000->5000 within 1.3x of 100->1000
}
_MARKS = "甲乙丙丁戊己庚辛壬癸"  # digits of the synthetic sample number, written without Arabic digits


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class CorpusText:
    """One normalised report text of the benchmark corpus, with its attribution."""

    key: str
    text: str
    region: str | None
    region_level: str | None
    report_year: int | None


def default_corpus_dir() -> Path:
    """The shared corpus (``../shared/corpus/reports``) when it holds reports, else the bundled sample."""
    shared = paths.SHARED_DIR / "corpus" / "reports"
    if shared.is_dir() and next(shared.rglob("*.txt"), None) is not None:
        return shared
    return paths.DEFAULT_REPORTS_DIR


def load_corpus(root: Path) -> list[CorpusText]:
    """Read every ``*.txt`` under ``root`` through the real ingest (decode, normalise, attribute)."""
    from pipelines.ingest import partition_key_for, read_report

    texts: list[CorpusText] = []
    for path in sorted(Path(root).rglob("*.txt")):
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        outcome = read_report(path, root)
        doc = outcome.document
        if doc is None:
            _log(f"skipping {path}: {[i.reason_code for i in outcome.issues]}")
            continue
        texts.append(CorpusText(partition_key_for(path, root), doc.text, doc.region, doc.region_level,
                                doc.report_year))
    if not texts:
        raise RuntimeError(f"no readable report texts under {root}")
    return texts


def sample_marker(i: int) -> str:
    """The marker line that makes synthetic sample ``i`` distinct (no Arabic digits, so no new numbers)."""
    return "（合成样本" + "".join(_MARKS[int(d)] for d in f"{i:05d}") + "）"


def perturb(text: str, i: int) -> str:
    """``text`` with the marker line of sample ``i`` inserted after its first line."""
    head, sep, rest = text.partition("\n")
    return f"{head}\n{sample_marker(i)}\n{rest}" if sep else f"{head}\n{sample_marker(i)}\n"


def synthetic_path(root: Path, i: int, year: int) -> Path:
    """Where synthetic sample ``i`` goes: ``<root>/county/合成{i:05d}区/<year>.txt``."""
    return Path(root) / "county" / f"合成{i:05d}区" / f"{year}.txt"


_NATIONAL_CUES = (("我代表国务院", "我代表{name}人民政府"), ("国务院总理", "{name}区长"),
                  ("全国人民代表大会", "{name}人民代表大会"))


def relabel(text: str, region: str | None, name: str) -> str:
    """``text`` with its own region (and national cues) renamed to ``name``, so that the path
    ``county/<name>/<year>`` and the text agree (ingest quarantines a path/text conflict)."""
    if region and region != "国务院":
        text = text.replace(region, name)
        inner = region.rsplit("市", 1)[-1]  # 呼伦贝尔市海拉尔区 -> 海拉尔区 (how the text names itself)
        if len(inner) >= 2 and inner != region:
            text = text.replace(inner, name)
    for cue, replacement in _NATIONAL_CUES:
        text = text.replace(cue, replacement.format(name=name))
    return text


def make_synthetic_corpus(sources: list[CorpusText], root: Path, start: int, count: int) -> list[Path]:
    """Write samples ``start .. start+count-1`` (real texts relabelled and perturbed) under ``root``."""
    written = []
    for i in range(start, start + count):
        src = sources[i % len(sources)]
        path = synthetic_path(root, i, src.report_year or 2024)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(perturb(relabel(src.text, src.region, path.parent.name), i), encoding="utf-8")
        written.append(path)
    return written


# ----------------------------------------------------------------------------------------- throughput


@dataclass
class Throughput:
    """Median timings of the interleaved throughput rounds."""

    corpus_dir: str
    reports: int
    corpus_chars: int
    rounds: int
    jieba_load_s: float
    median_s: dict[str, float] = field(default_factory=dict)
    cpu_median_s: dict[str, float] = field(default_factory=dict)
    facts: int = 0

    def chars_per_s(self, name: str) -> float:
        """Characters per second of measurement ``name`` (median wall time)."""
        return self.corpus_chars / self.median_s[name]


def measure_throughput(texts: list[CorpusText], rounds: int, corpus_dir: str = "") -> Throughput:
    """Time extractor, keyword counter, ``jieba.lcut`` and a regex scan over ``texts``, interleaved.

    jieba's dictionary is loaded (``jieba.initialize()``) before any timing and reported separately.
    """
    import jieba

    jieba.setLogLevel(60)
    t0 = time.perf_counter()
    jieba.initialize()
    jieba_load_s = time.perf_counter() - t0

    from pipelines.extract import extract_facts

    try:
        from pipelines.extract.keywords import count_keywords
    except ImportError:  # the keyword counter is optional for the throughput table
        count_keywords = None

    facts = [0]

    def run_extract() -> None:
        facts[0] = sum(
            len(extract_facts(t.text, region=t.region, region_level=t.region_level, report_year=t.report_year))
            for t in texts
        )

    def run_jieba() -> None:
        for t in texts:
            jieba.lcut(t.text)

    def run_regex() -> None:
        for t in texts:
            for _ in NUMBER_RE.finditer(t.text):
                pass

    measures: dict[str, Callable[[], None]] = {"extract": run_extract, "jieba": run_jieba, "regex": run_regex}
    if count_keywords is not None:

        def run_keywords() -> None:
            for t in texts:
                count_keywords(t.text)

        measures["keywords"] = run_keywords

    # Warm up lazily compiled patterns and caches on one text, untimed.
    first = texts[0]
    extract_facts(first.text, region=first.region, region_level=first.region_level, report_year=first.report_year)
    if count_keywords is not None:
        count_keywords(first.text)
    jieba.lcut(first.text[:2000])

    wall: dict[str, list[float]] = {name: [] for name in measures}
    cpu: dict[str, list[float]] = {name: [] for name in measures}
    for r in range(rounds):
        for name, fn in measures.items():
            c0, w0 = time.process_time(), time.perf_counter()
            fn()
            wall[name].append(time.perf_counter() - w0)
            cpu[name].append(time.process_time() - c0)
        _log(f"throughput round {r + 1}/{rounds}: " + ", ".join(f"{n} {wall[n][-1]:.2f}s" for n in measures))
    return Throughput(
        corpus_dir=corpus_dir,
        reports=len(texts),
        corpus_chars=sum(len(t.text) for t in texts),
        rounds=rounds,
        jieba_load_s=jieba_load_s,
        median_s={n: statistics.median(v) for n, v in wall.items()},
        cpu_median_s={n: statistics.median(v) for n, v in cpu.items()},
        facts=facts[0],
    )


# ------------------------------------------------------------------------------------ pipeline timing


class RssSampler:
    """Samples the RSS of this process and the sum over its child processes, keeping the peaks (MB)."""

    def __init__(self, interval_s: float = 0.25) -> None:
        self.interval_s = interval_s
        self.peak_main_mb = 0.0
        self.peak_children_mb = 0.0
        self.timeline: list[tuple[float, float]] = []  # (epoch seconds, main RSS MB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _sample(self, proc) -> None:
        import psutil

        main = proc.memory_info().rss / 2**20
        self.timeline.append((time.time(), main))
        self.peak_main_mb = max(self.peak_main_mb, main)
        kids = 0
        for child in proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                kids += child.memory_info().rss
        self.peak_children_mb = max(self.peak_children_mb, kids / 2**20)

    def _run(self) -> None:
        import psutil

        proc = psutil.Process()
        while True:
            with contextlib.suppress(psutil.Error):
                self._sample(proc)
            if self._stop.wait(self.interval_s):
                return

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def peak_between(self, start: float, end: float) -> float:
        """Peak main-process RSS (MB) sampled between two epoch timestamps (0 when no sample fell inside)."""
        return max((mb for t, mb in self.timeline if start <= t <= end), default=0.0)



@dataclass
class RunTiming:
    """Wall time and per-step durations of one Dagster run of the report job."""

    label: str
    reports: int
    wall_s: float
    success: bool
    steps: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    ingest_files: int | None = None
    extracted_reports: int | None = None
    partitions_loaded: int | None = None
    peak_rss_main_mb: float = 0.0
    peak_rss_children_mb: float = 0.0
    step_peak_rss_mb: dict[str, float] = field(default_factory=dict)  # main process, sampled per step

    def group(self, name: str) -> float:
        """Duration of the step group ``name`` (ingest/extract/load/dbt/publish), 0 when absent."""
        return self.steps.get(STEP_GROUPS[name], 0.0)

    @property
    def ingest_extract_load_s(self) -> float:
        """Ingest + extract + load step time."""
        return self.group("ingest") + self.group("extract") + self.group("load")

    @property
    def other_s(self) -> float:
        """Wall time not spent inside the named steps (Dagster setup/teardown, asset checks, gaps)."""
        return self.wall_s - sum(self.group(g) for g in STEP_GROUPS)


@contextlib.contextmanager
def _isolated_environment() -> Iterator[None]:
    """Keep the benchmark's runs from touching the real warehouse, snapshot or exports."""
    saved = {k: os.environ.get(k) for k in ("GOVREPORT_PUBLISHED", "GOVREPORT_EXPORTS_DIR", "GOVREPORT_WAREHOUSE")}
    os.environ.pop("GOVREPORT_PUBLISHED", None)  # else every run would publish to that one path
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


_QUIET_LOGGERS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def run_report_job(
    reports_dir: Path, warehouse: Path, instance, label: str, partition_key: str | None = None
) -> RunTiming:
    """Time a full run as ``govreport run`` makes it (every file, ingested and extracted in batches of
    ``GOVREPORT_RUN_BATCH``, then loaded, built and published), or the report job for one new
    ``partition_key`` (the sensor's path).

    The timed span covers building the definitions, registering partitions and the whole run.
    """
    import dagster as dg

    from pipelines.definitions import build_definitions
    from pipelines.defs.automation import REPORT_JOB
    from pipelines.defs.partitions import REPORTS_PARTITION
    from pipelines.defs.progress import Progress
    from pipelines.defs.runner import RAW_REPORTS, materialization_value, run_pipeline, step_windows

    reports_dir, warehouse = Path(reports_dir).resolve(), Path(warehouse).resolve()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with _isolated_environment(), contextlib.redirect_stdout(sys.stderr), RssSampler() as rss:
        if partition_key is None:
            # the stage lines of `govreport run` on stderr, in place of Dagster's event log
            outcome = run_pipeline(reports_dir, warehouse, instance=instance, progress=Progress(sys.stderr, live=False))
            n = len(outcome.partitions)
            success, windows, error = outcome.success, outcome.step_windows, outcome.error
            ingested = extracted = len(outcome.partitions_run)
            loaded = outcome.partitions_loaded
        else:
            defs = build_definitions(reports_dir, warehouse)
            job = defs.resolve_job_def(REPORT_JOB)
            if not instance.has_dynamic_partition(REPORTS_PARTITION, partition_key):
                instance.add_dynamic_partitions(REPORTS_PARTITION, [partition_key])
            n = 1
            result = job.execute_in_process(instance=instance, partition_key=partition_key,
                                            run_config=_QUIET_LOGGERS, raise_on_error=False)
            success, windows, error = result.success, step_windows(instance, result.run_id), None
            if not result.success:
                error = "; ".join(
                    f"{e.step_key}: {e.step_failure_data.error.message.strip()[:300] if e.step_failure_data.error else '?'}"
                    for e in result.all_events if e.is_step_failure
                ) or "run failed"
            ingested = materialization_value(result, dg.AssetKey(["landing", "report_texts"]), "files")
            extracted = materialization_value(result, dg.AssetKey(["landing", "indicator_facts"]), "reports")
            loaded = materialization_value(result, RAW_REPORTS, "partitions_loaded")
    wall = time.perf_counter() - t0
    steps: dict[str, float] = {}
    for step, start, end in windows:
        steps[step] = steps.get(step, 0.0) + (end - start)
    step_peaks: dict[str, float] = {}
    for step, start, end in windows:
        step_peaks[step] = max(step_peaks.get(step, 0.0), rss.peak_between(start, end))
    return RunTiming(
        label=label,
        reports=n,
        wall_s=wall,
        success=success,
        steps=steps,
        step_peak_rss_mb=step_peaks,
        error=error,
        ingest_files=ingested,
        extracted_reports=extracted,
        partitions_loaded=loaded,
        peak_rss_main_mb=rss.peak_main_mb,
        peak_rss_children_mb=rss.peak_children_mb,
    )


@dataclass
class Scaling:
    """Full runs at several corpus sizes, and the one-report incremental run."""

    runs: list[RunTiming] = field(default_factory=list)
    incremental: RunTiming | None = None  # the first one-report run (N=1000 by default)
    incremental_base: RunTiming | None = None
    added_one: dict[int, RunTiming] = field(default_factory=dict)  # N -> the one-report run on top of N


def measure_scaling(sources: list[CorpusText], sizes: tuple[int, ...], workdir: Path,
                    incremental_at: int | None) -> Scaling:
    """Run the real job on synthetic corpora of each size (fresh warehouse and ephemeral instance each).

    After every full run with N >= ``incremental_at``, one new report is added and run for its
    partition only (the sensor's path): its wall time is the one-report latency at that N.
    """
    import dagster as dg

    scaling = Scaling()
    for n in sizes:
        base = workdir / f"n{n}"
        reports = base / "reports"
        _log(f"scaling N={n}: writing synthetic corpus")
        make_synthetic_corpus(sources, reports, 0, n)
        instance = dg.DagsterInstance.ephemeral()
        try:
            _log(f"scaling N={n}: running the job")
            timing = run_report_job(reports, base / "warehouse" / "govreport.duckdb", instance, f"full N={n}")
            scaling.runs.append(timing)
            _log(f"scaling N={n}: {'ok' if timing.success else 'FAILED'} in {timing.wall_s:.1f}s "
                 f"({timing.wall_s / n * 1000:.1f} ms/report) steps "
                 + ", ".join(f"{k} {v:.1f}s" for k, v in timing.steps.items()))
            if timing.error:
                _log(f"scaling N={n}: {timing.error}")
            if incremental_at is not None and n >= incremental_at:
                new = make_synthetic_corpus(sources, reports, n, 1)[0]
                from pipelines.ingest import partition_key_for

                key = partition_key_for(new, reports)
                _log(f"incremental: adding {key} to the N={n} warehouse")
                inc = run_report_job(reports, base / "warehouse" / "govreport.duckdb", instance,
                                     f"add 1 to N={n}", partition_key=key)
                scaling.added_one[n] = inc
                if scaling.incremental is None:
                    scaling.incremental, scaling.incremental_base = inc, timing
                _log(f"incremental: {'ok' if inc.success else 'FAILED'} in {inc.wall_s:.1f}s, "
                     f"ingest files={inc.ingest_files}, loaded={inc.partitions_loaded}")
        finally:
            instance.dispose()
            shutil.rmtree(base, ignore_errors=True)
    return scaling


def measure_scaling_in_fresh_process(corpus_dir: Path, sizes: tuple[int, ...], workdir: Path,
                                     incremental_at: int | None) -> Scaling:
    """:func:`measure_scaling` for each size in a new Python process (``spawn``), so a run's peak RSS is that
    of a pipeline process like ``govreport run``'s: not raised by the bench's throughput part (jieba, the
    corpus) or by the runs at smaller sizes before it.

    The child is not daemonic, so the ingest and extract steps may start their process pools.
    """
    context = multiprocessing.get_context("spawn")
    merged = Scaling()
    for n in sizes:
        results = context.SimpleQueue()
        child = context.Process(target=_scaling_child, args=(results, str(corpus_dir), (n,), str(workdir),
                                                             incremental_at), name=f"bench-scaling-{n}")
        child.start()
        child.join()
        if results.empty():
            raise RuntimeError(f"the scaling process for N={n} exited with status {child.exitcode} before "
                               "returning results")
        outcome = results.get()
        if isinstance(outcome, BaseException):
            raise outcome
        merged.runs.extend(outcome.runs)
        merged.added_one.update(outcome.added_one)
        if merged.incremental is None and outcome.incremental is not None:
            merged.incremental, merged.incremental_base = outcome.incremental, outcome.incremental_base
    return merged


def _scaling_child(results, corpus_dir: str, sizes: tuple[int, ...], workdir: str, incremental_at: int | None) -> None:
    # A spawned process inherits "spawn" as its start method; the pipeline's process pools must start their
    # workers as in `govreport run` (the platform's default: fork on Linux), not as new interpreters.
    multiprocessing.set_start_method(None, force=True)
    try:
        results.put(measure_scaling(load_corpus(Path(corpus_dir)), sizes, Path(workdir), incremental_at))
    except BaseException as exc:  # handed to the parent, which raises it
        results.put(RuntimeError(f"scaling failed: {exc!r}"))


# ---------------------------------------------------------------------------------------- both cores


def _process_file(args: tuple[str, str, str]) -> int:
    from pipelines.landing.work import extraction_payload, ingest_payload

    path, root, key = args
    payload = ingest_payload(Path(path), Path(root), key)
    return len(extraction_payload(payload["document"])["facts"])


@dataclass
class Parallel:
    """Ingest+extract of the same reports in one process and in process pools (medians of rounds)."""

    reports: int
    chars: int
    rounds: int
    wall_s: dict[str, float]  # "serial", "pool1", "pool2"
    cpu_s: dict[str, float]  # CPU seconds used (this process for serial, the pool workers for pools)
    calibration: list[float] = field(default_factory=list)  # pure-CPU-loop 2-vs-1 speed-ups, per round

    @property
    def speedup(self) -> float:
        """In-process single core time over the two-process pool time (pool start-up included)."""
        return self.wall_s["serial"] / self.wall_s["pool2"]

    @property
    def pool_speedup(self) -> float:
        """One-process pool over two-process pool (same start-up costs on both sides)."""
        return self.wall_s["pool1"] / self.wall_s["pool2"]

    def cores_used(self, how: str) -> float:
        """CPU seconds over wall seconds: how many cores ``how`` actually got on this (shared) machine."""
        return self.cpu_s[how] / self.wall_s[how]


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def calibrate_cores(tasks: int = 16, size: int = 2_000_000) -> float:
    """Speed-up of a pure-Python CPU loop on 2 processes vs 1: how many cores the machine gives us right now."""
    walls = {}
    for workers in (1, 2):
        t0 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(_burn, [size] * tasks))
        walls[workers] = time.perf_counter() - t0
    return walls[1] / walls[2]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_parallel(sources: list[CorpusText], count: int, workdir: Path, rounds: int = 3) -> Parallel:
    """Time ``ingest_payload`` + ``extraction_payload`` over ``count`` reports: in-process, pool(1), pool(2).

    The three are interleaved over ``rounds`` rounds and the medians kept; CPU time is recorded too,
    so that a pool that could not get two cores (other load on the machine) shows as such.
    """
    from pipelines.ingest import partition_key_for

    root = workdir / "parallel"
    files = make_synthetic_corpus(sources, root, 0, count)
    jobs = [(str(p), str(root), partition_key_for(p, root)) for p in files]
    chars = sum(len(sources[i % len(sources)].text) for i in range(count))
    _process_file(jobs[0])  # warm up imports in this process
    wall: dict[str, list[float]] = {"serial": [], "pool1": [], "pool2": []}
    cpu: dict[str, list[float]] = {"serial": [], "pool1": [], "pool2": []}
    calibration = []
    for r in range(rounds):
        calibration.append(calibrate_cores())
        c0, t0 = time.process_time(), time.perf_counter()
        for job in jobs:
            _process_file(job)
        wall["serial"].append(time.perf_counter() - t0)
        cpu["serial"].append(time.process_time() - c0)
        for workers in (1, 2):
            c0, t0 = _children_cpu(), time.perf_counter()
            with ProcessPoolExecutor(max_workers=workers) as pool:
                list(pool.map(_process_file, jobs, chunksize=max(1, len(jobs) // (workers * 8))))
            wall[f"pool{workers}"].append(time.perf_counter() - t0)
            cpu[f"pool{workers}"].append(_children_cpu() - c0)
        _log(f"both cores round {r + 1}/{rounds} ({count} reports): "
             + ", ".join(f"{k} {v[-1]:.1f}s wall / {cpu[k][-1]:.1f}s CPU" for k, v in wall.items())
             + f"; pure-CPU 2-vs-1 speed-up {calibration[-1]:.2f}; load average {os.getloadavg()[0]:.2f}")
    shutil.rmtree(root, ignore_errors=True)
    return Parallel(count, chars, rounds, {k: statistics.median(v) for k, v in wall.items()},
                    {k: statistics.median(v) for k, v in cpu.items()}, calibration)


# ------------------------------------------------------------------------------------------ profiling


def profile_ingest(root: Path, top: int = 25) -> str:
    """cProfile of ``ingest_payload`` (decode, normalise, attribute) over every ``*.txt`` under ``root``."""
    from pipelines.ingest import partition_key_for
    from pipelines.landing.work import ingest_payload

    files = sorted(Path(root).rglob("*.txt"))
    prof = cProfile.Profile()
    prof.enable()
    for path in files:
        ingest_payload(path, root, partition_key_for(path, root))
    prof.disable()
    return _profile_text(prof, top)


def profile_extraction(texts: list[CorpusText], top: int = 25) -> str:
    """cProfile of ``extraction_payload`` (facts + keywords) over ``texts``: the top functions by own time."""
    from pipelines.landing.work import extraction_payload

    docs = [{"text": t.text, "region": t.region, "region_level": t.region_level, "report_year": t.report_year}
            for t in texts]
    prof = cProfile.Profile()
    prof.enable()
    for d in docs:
        extraction_payload(d)
    prof.disable()
    return _profile_text(prof, top)


def profile_pipeline(sources: list[CorpusText], n: int, workdir: Path, top: int = 30) -> str:
    """cProfile of one full job run on ``n`` synthetic reports (the main process; pool workers not seen)."""
    import dagster as dg

    base = workdir / f"profile{n}"
    make_synthetic_corpus(sources, base / "reports", 0, n)
    instance = dg.DagsterInstance.ephemeral()
    prof = cProfile.Profile()
    try:
        prof.enable()
        run_report_job(base / "reports", base / "warehouse" / "govreport.duckdb", instance, f"profile N={n}")
        prof.disable()
    finally:
        instance.dispose()
        shutil.rmtree(base, ignore_errors=True)
    return _profile_text(prof, top)


def _profile_text(prof: cProfile.Profile, top: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    out.write("\n--- by cumulative time ---\n")
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# ------------------------------------------------------------------------------------------- machine


def machine_description() -> dict[str, str]:
    """CPU model, cores, memory, Python and the versions of the packages that matter."""
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        import psutil

        memory = f"{psutil.virtual_memory().total / 2**30:.1f} GiB"
    except ImportError:  # pragma: no cover
        memory = "?"
    info = {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "usable_cores": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
    }
    for dist in ("duckdb", "dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "jieba"):
        try:
            info[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            info[dist] = "?"
    return info


def peak_rss_mb() -> dict[str, float]:
    """Peak RSS of this process (and of finished child processes) and current RSS via psutil, in MB."""
    out = {
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }
    try:
        import psutil

        out["rss_now_mb"] = psutil.Process().memory_info().rss / 2**20
    except ImportError:  # pragma: no cover
        pass
    return out


# ------------------------------------------------------------------------------------------- results


def summarise(mode: str, tp: Throughput, scaling: Scaling | None, parallel: Parallel | None) -> dict:
    """The headline numbers as one flat dict (the JSON line and the CSV rows)."""
    s: dict = {
        "mode": mode,
        "corpus_dir": tp.corpus_dir,
        "reports": tp.reports,
        "corpus_chars": tp.corpus_chars,
        "rounds": tp.rounds,
        "facts": tp.facts,
        "extract_chars_per_s": round(tp.chars_per_s("extract"), 1),
        "jieba_chars_per_s": round(tp.chars_per_s("jieba"), 1),
        "regex_chars_per_s": round(tp.chars_per_s("regex"), 1),
        "ratio_vs_jieba": round(tp.chars_per_s("extract") / tp.chars_per_s("jieba"), 3),
        "ratio_vs_regex": round(tp.chars_per_s("extract") / tp.chars_per_s("regex"), 5),
        "jieba_load_s": round(tp.jieba_load_s, 3),
    }
    if "keywords" in tp.median_s:
        s["keywords_chars_per_s"] = round(tp.chars_per_s("keywords"), 1)
        both = tp.median_s["extract"] + tp.median_s["keywords"]
        s["extract_plus_keywords_chars_per_s"] = round(tp.corpus_chars / both, 1)
    if scaling is not None:
        for run in scaling.runs:
            n = run.reports
            s[f"n{n}_success"] = run.success
            s[f"n{n}_wall_s"] = round(run.wall_s, 2)
            s[f"n{n}_ms_per_report"] = round(run.wall_s / n * 1000, 1)
            s[f"n{n}_ingest_extract_load_s"] = round(run.ingest_extract_load_s, 2)
            for g in STEP_GROUPS:
                s[f"n{n}_{g}_s"] = round(run.group(g), 2)
            s[f"n{n}_other_s"] = round(run.other_s, 2)
            s[f"n{n}_peak_rss_main_mb"] = round(run.peak_rss_main_mb, 1)
            s[f"n{n}_peak_rss_children_mb"] = round(run.peak_rss_children_mb, 1)
            for g, key in STEP_GROUPS.items():
                if key in run.step_peak_rss_mb:
                    s[f"n{n}_{g}_peak_rss_mb"] = round(run.step_peak_rss_mb[key], 1)
        by_n = {r.reports: r for r in scaling.runs}
        lo, hi = min(by_n, default=0), max(by_n, default=0)
        if lo and hi and hi != lo:
            s["per_report_ratio_max_vs_min_n"] = round(
                (by_n[hi].wall_s / hi) / (by_n[lo].wall_s / lo), 3)
        if len(by_n) >= 3:
            a, b, c = sorted(by_n)[:3]
            m1 = (by_n[b].wall_s - by_n[a].wall_s) / (b - a)
            m2 = (by_n[c].wall_s - by_n[b].wall_s) / (c - b)
            s["marginal_ms_per_report_low"] = round(m1 * 1000, 1)
            s["marginal_ms_per_report_high"] = round(m2 * 1000, 1)
            s["marginal_growth"] = round(m2 / m1, 3) if m1 > 0 else None
            ratio_extract = [(by_n[n].ingest_extract_load_s / n) for n in (a, b, c)]
            s["ingest_extract_load_per_report_ratio_max_vs_min_n"] = round(ratio_extract[2] / ratio_extract[0], 3)
        if scaling.incremental is not None and scaling.incremental_base is not None:
            inc, base = scaling.incremental, scaling.incremental_base
            s["incremental_success"] = inc.success
            s["incremental_wall_s"] = round(inc.wall_s, 2)
            s["incremental_ingest_files"] = inc.ingest_files
            s["incremental_extracted_reports"] = inc.extracted_reports
            s["incremental_partitions_loaded"] = inc.partitions_loaded
            for g in STEP_GROUPS:
                s[f"incremental_{g}_s"] = round(inc.group(g), 2)
            s["incremental_ratio"] = round(inc.wall_s / base.wall_s, 4)
        for n, inc in scaling.added_one.items():
            s[f"n{n}_add_one_s"] = round(inc.wall_s, 2)
            s[f"n{n}_add_one_success"] = inc.success
    if parallel is not None:
        s["parallel_reports"] = parallel.reports
        for how in ("serial", "pool1", "pool2"):
            s[f"parallel_{how}_s"] = round(parallel.wall_s[how], 2)
            s[f"parallel_{how}_cpu_s"] = round(parallel.cpu_s[how], 2)
            s[f"parallel_{how}_cores_used"] = round(parallel.cores_used(how), 2)
        s["parallel_speedup"] = round(parallel.speedup, 3)
        s["parallel_pool_speedup"] = round(parallel.pool_speedup, 3)
        s["parallel_calibration_speedup"] = round(statistics.median(parallel.calibration), 3)
    s.update({k: round(v, 1) for k, v in peak_rss_mb().items()})
    s["goals"] = goal_status(s)
    return s


def goal_status(s: dict) -> dict[str, bool | None]:
    """Whether each goal is met (None when this mode did not measure it)."""
    e2e = s.get("n1000_wall_s")
    return {
        "extract_ge_4x_jieba": s["ratio_vs_jieba"] >= GOALS["ratio_vs_jieba"],
        "e2e_1000_lt_60s": (e2e < GOALS["e2e_1000_s"] and bool(s.get("n1000_success"))) if e2e else None,
        "add_one_lt_5pct": (s["incremental_ratio"] < GOALS["incremental_ratio"]
                            and s.get("incremental_ingest_files") == 1) if "incremental_ratio" in s else None,
        "linear_in_n": (s["marginal_growth"] <= GOALS["marginal_growth"]) if s.get("marginal_growth") else None,
        "add_one_le_5s": _all_at_most(s, "_add_one_s", GOALS["add_one_s"], "_add_one_success"),
        "peak_rss_le_1gb": _all_at_most(s, "_peak_rss_main_mb", GOALS["peak_rss_mb"], "_success"),
    }


def _all_at_most(s: dict, suffix: str, limit: float, success_suffix: str) -> bool | None:
    """Every ``n<N><suffix>`` figure of the summary is at most ``limit``, each from a run that succeeded
    (``n<N><success_suffix>``): a run that failed half-way says nothing of what the whole would take.
    None when none was measured."""
    figures = {k[: -len(suffix)]: v for k, v in s.items()
               if k.startswith("n") and k.endswith(suffix) and isinstance(v, int | float)}
    if not figures:
        return None
    return all(v <= limit and s.get(f"{n}{success_suffix}") is True for n, v in figures.items())


_SUFFIX_UNITS = (("_chars_per_s", "chars/s"), ("_ms_per_report", "ms/report"), ("_cores_used", "cores"),
                 ("_mb", "MB"), ("_s", "s"), ("ratio", "x"), ("speedup", "x"), ("growth", "x"),
                 ("_n", "x"), ("corpus_chars", "chars"), ("chars", "chars"), ("files", "files"),
                 ("reports", "reports"), ("facts", "facts"), ("rounds", "rounds"), ("loaded", "partitions"))


def _unit(metric: str) -> str:
    if metric.startswith(("goal_", "machine_")) or metric.endswith("_success"):
        return ""
    if metric.startswith("marginal_ms_per_report"):
        return "ms/report"
    if metric.startswith("ratio_"):
        return "x"
    for suffix, unit in _SUFFIX_UNITS:
        if metric.endswith(suffix):
            return unit
    return ""


def format_tables(mode: str, tp: Throughput, scaling: Scaling | None, parallel: Parallel | None,
                  summary: dict) -> str:
    """The human-readable report (Markdown tables, also printed to stdout)."""
    lines = [f"## govreport bench ({mode})", "",
             f"Corpus: {tp.corpus_dir} — {tp.reports} reports, {tp.corpus_chars:,} characters; "
             f"median of {tp.rounds} interleaved rounds; jieba dictionary load {tp.jieba_load_s:.2f} s "
             "(not in the timings).", "",
             "| measurement | median wall s | median CPU s | chars/s | vs jieba.lcut |",
             "|---|---:|---:|---:|---:|"]
    labels = {"extract": "extract_facts", "keywords": "count_keywords (jieba + dictionary)",
              "jieba": "jieba.lcut", "regex": r"regex \d+(?:\.\d+)? scan"}
    jieba_cps = tp.chars_per_s("jieba")
    for name in ("extract", "keywords", "jieba", "regex"):
        if name in tp.median_s:
            cps = tp.chars_per_s(name)
            lines.append(f"| {labels[name]} | {tp.median_s[name]:.3f} | {tp.cpu_median_s[name]:.3f} | "
                         f"{cps:,.0f} | {cps / jieba_cps:.2f}x |")
    if "extract_plus_keywords_chars_per_s" in summary:
        cps = summary["extract_plus_keywords_chars_per_s"]
        lines.append(f"| extraction_payload (facts + keywords) | | | {cps:,.0f} | {cps / jieba_cps:.2f}x |")
    lines += ["", f"Facts extracted per round: {tp.facts:,}. Peak RSS of the bench process "
              f"{summary['peak_rss_mb']:.0f} MB (after the throughput part alone: "
              f"{summary.get('throughput_peak_rss_mb', summary['peak_rss_mb']):.0f} MB), RSS now "
              f"{summary.get('rss_now_mb', 0):.0f} MB; ru_maxrss of children {summary['children_peak_rss_mb']:.0f} MB "
              "(a forked child inherits its parent's high-water mark: see the sampled per-run columns). "
              f"Load average (1 min) at start {summary.get('loadavg_1m_start', 0):.2f}, "
              f"at end {summary.get('loadavg_1m_end', 0):.2f}."]
    if scaling is not None and scaling.runs:
        lines += ["", "### Scaling (real job, fresh warehouse, ephemeral Dagster instance)", "",
                  "| run | ok | wall s | ms/report | ingest s | extract s | load s | dbt s | publish s | other s "
                  "| peak RSS MB main | peak RSS MB children |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        rows = list(scaling.runs) + list(scaling.added_one.values())
        for r in rows:
            lines.append(
                f"| {r.label} | {'yes' if r.success else 'NO'} | {r.wall_s:.1f} | {r.wall_s / r.reports * 1000:.0f} | "
                + " | ".join(f"{r.group(g):.1f}" for g in STEP_GROUPS)
                + f" | {r.other_s:.1f} | {r.peak_rss_main_mb:.0f} | {r.peak_rss_children_mb:.0f} |")
        if "per_report_ratio_max_vs_min_n" in summary:
            lines += ["", f"Per-report wall time, largest N vs smallest N: {summary['per_report_ratio_max_vs_min_n']:.2f}x."]
        if "marginal_growth" in summary:
            lines.append(
                f"Marginal cost per extra report: {summary['marginal_ms_per_report_low']:.0f} ms (100→1000), "
                f"{summary['marginal_ms_per_report_high']:.0f} ms (1000→5000): growth {summary['marginal_growth']}x. "
                f"Ingest+extract+load per report, N=5000 vs N=100: "
                f"{summary['ingest_extract_load_per_report_ratio_max_vs_min_n']}x.")
        for n, inc in scaling.added_one.items():
            base = next(r for r in scaling.runs if r.reports == n)
            lines.append(
                f"One new report on top of N={n}: {inc.wall_s:.1f} s = {inc.wall_s / base.wall_s * 100:.1f}% of "
                f"the full build; ingest files={inc.ingest_files}, extracted reports={inc.extracted_reports}, "
                f"partitions loaded={inc.partitions_loaded}.")
        for r in rows:
            lines.append(f"Peak main-process RSS per step, {r.label}: "
                         + ", ".join(f"{g} {r.step_peak_rss_mb.get(k, 0):.0f} MB" for g, k in STEP_GROUPS.items()) + ".")
        steps = sorted({k for r in rows for k in r.steps})
        lines += ["", "Step keys seen: " + ", ".join(f"`{k}`" for k in steps)]
        for r in rows:
            if r.error:
                lines.append(f"\n**{r.label} failed:** {r.error}")
    if parallel is not None:
        lines += ["", f"### Both cores ({parallel.reports} reports, {parallel.chars:,} chars, ingest + extract + "
                  f"keywords; median of {parallel.rounds} interleaved rounds)",
                  "", "| how | wall s | CPU s | cores actually used | chars/s |", "|---|---:|---:|---:|---:|"]
        for label, how in (("in-process, 1 core", "serial"), ("ProcessPoolExecutor(1)", "pool1"),
                           ("ProcessPoolExecutor(2)", "pool2")):
            t = parallel.wall_s[how]
            lines.append(f"| {label} | {t:.1f} | {parallel.cpu_s[how]:.1f} | {parallel.cores_used(how):.2f} | "
                         f"{parallel.chars / t:,.0f} |")
        lines += ["", f"Speed-up with 2 processes: {parallel.speedup:.2f}x vs in-process, "
                  f"{parallel.pool_speedup:.2f}x vs a 1-process pool. Calibration: a pure-Python CPU loop "
                  f"ran {statistics.median(parallel.calibration):.2f}x faster on 2 processes than on 1 in the same "
                  "rounds (2.0 = two free cores; about 1.0 = the other core was busy with other users' work)."]
    goals = summary["goals"]
    names = {"extract_ge_4x_jieba": "extractor ≥ 4× jieba.lcut throughput",
             "e2e_1000_lt_60s": "1000 reports end to end < 60 s",
             "add_one_lt_5pct": "adding one report to 1000 costs < 5% of a full build",
             "linear_in_n": "time grows linearly with N (marginal cost growth ≤ 1.3×)",
             "add_one_le_5s": "one new report published within 5 s, at every N ≥ 1000 measured",
             "peak_rss_le_1gb": "peak RSS of the pipeline process ≤ 1 GB, at every N measured"}
    lines += ["", "### Goals", "", "| goal | met |", "|---|---|"]
    for k, label in names.items():
        v = goals.get(k)
        lines.append(f"| {label} | {'not measured' if v is None else ('yes' if v else '**no**')} |")
    return "\n".join(lines)


def write_results(results_dir: Path, mode: str, summary: dict, report_md: str, stamp: str,
                  extra_md: str = "") -> None:
    """Write ``results.csv`` (rows of other modes kept) and ``results.md`` (this mode's section replaced)."""
    results_dir.mkdir(parents=True, exist_ok=True)
    csv_path = results_dir / "results.csv"
    kept: list[dict] = []
    if csv_path.exists():
        with open(csv_path, newline="", encoding="utf-8") as fh:
            kept = [row for row in csv.DictReader(fh) if row.get("mode") != mode]
    rows = []
    flat = {**summary, **{f"goal_{k}": v for k, v in summary["goals"].items()}}
    for metric, value in flat.items():
        if metric in ("goals", "mode") or isinstance(value, dict):
            continue
        rows.append({"metric": metric, "value": value, "unit": _unit(metric), "mode": mode, "timestamp": stamp})
    for key, value in machine_description().items():
        rows.append({"metric": f"machine_{key}", "value": value, "unit": "", "mode": mode, "timestamp": stamp})
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["metric", "value", "unit", "mode", "timestamp"])
        writer.writeheader()
        writer.writerows(kept + rows)

    md_path = results_dir / "results.md"
    sections: dict[str, str] = {}
    if md_path.exists():
        for m in re.finditer(r"<!-- mode:(\w+) -->\n(.*?)<!-- /mode:\1 -->", md_path.read_text(encoding="utf-8"),
                             re.S):
            sections[m.group(1)] = m.group(2)
    machine = "\n".join(f"| {k} | {v} |" for k, v in machine_description().items())
    sections[mode] = (f"_Run {stamp}; command `govreport bench{' --quick' if mode == 'quick' else ''}`._\n\n"
                      f"{report_md}\n{extra_md}\n")
    body = ["# govreport benchmark results", "",
            "Generated by `govreport bench` (see `bench/README.md`). Each mode's section is replaced when that "
            "mode is run again.", "", "## Machine", "", "| | |", "|---|---|", machine, ""]
    for m in ("full", "quick", *sorted(k for k in sections if k not in ("full", "quick"))):
        if m in sections:
            body += [f"<!-- mode:{m} -->", sections[m].rstrip("\n"), f"<!-- /mode:{m} -->", ""]
    md_path.write_text("\n".join(body), encoding="utf-8")


# ---------------------------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    """Options of ``govreport bench`` (the CLI passes only ``--quick``; the rest are for direct use)."""
    p = argparse.ArgumentParser(prog="govreport bench", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="throughput and one small scaling point (< 2 min)")
    p.add_argument("--corpus", type=Path, default=None, help="reports folder (default: shared corpus, else sample)")
    p.add_argument("--rounds", type=int, default=None, help="throughput rounds (default 3 quick, 5 full)")
    p.add_argument("--sizes", type=str, default=None, help="comma-separated scaling sizes (default 100,1000,5000)")
    p.add_argument("--no-scaling", action="store_true", help="skip pipeline runs (scaling, incremental)")
    p.add_argument("--no-parallel", action="store_true", help="skip the one vs two processes comparison")
    p.add_argument("--profile", action="store_true",
                   help="also write cProfile hotspots (profile_*.txt) to the results folder, even with --no-write")
    p.add_argument("--results-dir", type=Path, default=RESULTS_DIR,
                   help="where results.md/csv go (default data/bench, untracked; bench/results is the published copy)")
    p.add_argument("--no-write", action="store_true", help="do not write result files")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print tables and, as the last stdout line, one JSON object with the numbers."""
    args = build_parser().parse_args(argv)
    mode = "quick" if args.quick else "full"
    rounds = args.rounds or (3 if args.quick else 5)
    if args.sizes:
        sizes = tuple(int(x) for x in args.sizes.split(",") if x.strip())
    else:
        sizes = QUICK_SIZES if args.quick else FULL_SIZES
    corpus_dir = (args.corpus or default_corpus_dir()).resolve()
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    started = time.perf_counter()

    _log(f"{mode} mode; corpus {corpus_dir}")
    texts = load_corpus(corpus_dir)
    _log(f"{len(texts)} reports, {sum(len(t.text) for t in texts):,} chars; throughput, {rounds} rounds")
    load_start = os.getloadavg()[0]
    tp = measure_throughput(texts, rounds, str(corpus_dir))
    throughput_rss = peak_rss_mb()["peak_rss_mb"]

    scaling = parallel = None
    extra_md = ""
    with tempfile.TemporaryDirectory(prefix="govreport-bench-") as tmp:
        work = Path(tmp)
        if not args.no_scaling and sizes:
            scaling = measure_scaling_in_fresh_process(corpus_dir, sizes, work,
                                                       None if args.quick else INCREMENTAL_AT)
        if not args.quick and not args.no_parallel:
            parallel = measure_parallel(texts, PARALLEL_REPORTS, work, rounds=3)
        if args.profile:
            _log("profiling ingest_payload and extraction_payload over the corpus")
            prof_ingest = profile_ingest(corpus_dir)
            prof_extract = profile_extraction(texts)
            _log("profiling one job run at N=200 (main process)")
            prof_run = profile_pipeline(texts, 200, work)
            # Profiles are written even with --no-write (which only protects results.md/csv).
            args.results_dir.mkdir(parents=True, exist_ok=True)
            (args.results_dir / "profile_ingest.txt").write_text(prof_ingest, encoding="utf-8")
            (args.results_dir / "profile_extraction.txt").write_text(prof_extract, encoding="utf-8")
            (args.results_dir / "profile_pipeline_n200.txt").write_text(prof_run, encoding="utf-8")
            extra_md = ("\nProfiles: `profile_ingest.txt` / `profile_extraction.txt` (ingest_payload / "
                        "extraction_payload over the corpus), "
                        "`profile_pipeline_n200.txt` (one job run, main process).\n")

    summary = summarise(mode, tp, scaling, parallel)
    summary["throughput_peak_rss_mb"] = round(throughput_rss, 1)
    summary["loadavg_1m_start"] = round(load_start, 2)
    summary["loadavg_1m_end"] = round(os.getloadavg()[0], 2)
    summary["bench_wall_s"] = round(time.perf_counter() - started, 1)
    report_md = format_tables(mode, tp, scaling, parallel, summary)
    if not args.no_write:
        write_results(args.results_dir, mode, summary, report_md, stamp, extra_md)
        _log(f"wrote {args.results_dir / 'results.md'} and results.csv")
    print(report_md)
    print()
    print(json.dumps(summary, ensure_ascii=False, default=str), flush=True)
    runs = [] if scaling is None else scaling.runs + list(scaling.added_one.values())
    failed = any(not r.success for r in runs)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
