"""Finding report files under the drop folder and naming each with a stable partition key."""

from __future__ import annotations

import re
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".docx", "")
_SUFFIX_RANK = {s: i for i, s in enumerate(SUPPORTED_SUFFIXES)}
# Characters Dagster rejects in partition keys or that break its key syntax/UIs.
_BAD_KEY_CHARS = re.compile(r"[,\[\]*?\x00-\x1f\x7f|\\\"'<>]")
_DOTS = re.compile(r"\.{3,}")
_IGNORED_NAMES = ("~$", ".~lock", "Thumbs.db", "desktop.ini")


def _is_candidate(path: Path, root: Path) -> bool:
    rel = path.relative_to(root)
    if any(part.startswith(".") for part in rel.parts) or path.name.startswith(_IGNORED_NAMES):
        return False
    if not path.is_file():
        return False
    suffix = path.suffix.lower()
    if suffix and not re.fullmatch(r"\.[A-Za-z]+", suffix):
        suffix = ""  # "2024.final" style names: no real suffix
    return suffix in _SUFFIX_RANK


def discover_report_files(root: Path) -> list[Path]:
    """All report files under ``root`` (recursively), sorted by relative path.

    Supported: ``.txt .html .htm .pdf .docx`` (any case) and files without a suffix (sniffed when
    read). Hidden files and folders (``.name``) and editor lock files are skipped.
    """
    root = Path(root)
    if not root.is_dir():
        return []
    files = [p for p in root.rglob("*") if _is_candidate(p, root)]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def _suffix(path: Path) -> str:
    s = path.suffix.lower()
    return s if s in _SUFFIX_RANK else ""


def sanitise_partition_key(key: str) -> str:
    """Make ``key`` a valid Dagster dynamic partition key (no ``, [ ] * ?``, control chars or ``...``)."""
    key = _BAD_KEY_CHARS.sub("_", key)
    key = _DOTS.sub("_", key)
    return key.strip() or "_"


def partition_key_for(path: Path, root: Path) -> str:
    """Stable partition key of a report file: its path relative to ``root`` without the suffix.

    ``city/南京市/2024.txt`` -> ``city/南京市/2024``. When files in the same folder differ only
    by suffix (``2024.txt`` and ``2024.pdf``), the one with the preferred suffix (txt, html, htm,
    pdf, docx, none) keeps the bare key and the others keep their suffix (``city/南京市/2024.pdf``).
    """
    path, root = Path(path), Path(root)
    try:
        rel = path.resolve().relative_to(root.resolve())
    except ValueError:
        rel = Path(path.name)
    suffix = _suffix(path)
    bare = rel.with_suffix("") if suffix else rel
    key = bare.as_posix()
    if path.parent.is_dir():
        rank = _SUFFIX_RANK[suffix]
        siblings = [
            p
            for p in path.parent.iterdir()
            if p != path
            and not p.name.startswith(".")
            and p.is_file()
            and (p.with_suffix("") if _suffix(p) else p).name == bare.name
        ]
        if any(_SUFFIX_RANK[_suffix(p)] < rank for p in siblings):
            key = rel.as_posix()
    return sanitise_partition_key(key)
