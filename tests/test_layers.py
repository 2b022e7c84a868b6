"""The package tree shows the data flow: stage folders, and imports that run one way only.

``cli`` → ``defs``/``reporting`` → ``corrections`` → ``warehouse`` → ``landing`` → ``ingest``/``extract``
→ ``domain``. A module may import its own stage, a stage below it, and ``paths``; never a stage above.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pipelines"

# Stage -> rank. Equal ranks may import each other (evaluate reads city texts through ingest).
RANK = {
    "paths": 0,
    "domain": 0,
    "ingest": 1,
    "extract": 1,
    "landing": 2,
    "warehouse": 3,
    "corrections": 4,
    "reporting": 5,
    "defs": 5,
    "definitions": 6,
    "cli": 7,
}
ROOT_MODULES = {"__init__.py", "cli.py", "definitions.py", "paths.py"}


def _stage(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imported_stages(path: Path) -> set[str]:
    stages: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "pipelines":
                stages.update(alias.name for alias in node.names)
            elif node.module.startswith("pipelines."):
                stages.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            stages.update(a.name.split(".")[1] for a in node.names if a.name.startswith("pipelines."))
    return stages


def test_only_entry_points_sit_at_the_package_root():
    """Every other module lives in the folder of its stage."""
    assert {p.name for p in PACKAGE.glob("*.py")} == ROOT_MODULES


def test_every_stage_folder_has_a_rank():
    """A new folder must be placed in the flow before it can be imported."""
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert folders <= set(RANK), folders - set(RANK)


@pytest.mark.parametrize("module", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_one_way(module: Path):
    """No module imports a stage above its own (the runner does not sit below the definitions it loads)."""
    stage = _stage(module)
    if stage == "__init__":
        return
    upward = {s for s in _imported_stages(module) if s != stage and RANK[s] > RANK[stage]}
    assert not upward, f"{module.relative_to(PACKAGE)} imports {sorted(upward)} above {stage!r}"


def test_the_extraction_core_has_no_dagster_or_duckdb():
    """ingest, extract and domain are plain Python: testable and reusable without the orchestrator."""
    offenders = []
    for folder in ("domain", "ingest", "extract"):
        for module in (PACKAGE / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                    [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
                if any(n.split(".")[0] in ("dagster", "duckdb", "dagster_dbt", "dagster_duckdb") for n in names):
                    offenders.append(str(module.relative_to(PACKAGE)))
    assert offenders == []
