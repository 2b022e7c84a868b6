"""Finding report files under the drop folder and naming each with a unique, reversible partition key.

One walk of the folder tree (``os.scandir``, each folder listed once, so the cost is linear in the
number of files) yields a :class:`Discovery`: every accepted file by partition key, the entries
that were skipped on purpose (editor leftovers, hidden or unsupported files, links leading out of
the folder) and the folders or links that could not be read. Nothing is skipped silently.

Keys are the path relative to the reports folder without the suffix, with the characters Dagster
rejects percent-encoded (``%`` itself too), so two different files never share a key and
:func:`decode_partition_key` gives the relative path back.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".docx", "")
_SUFFIX_RANK = {s: i for i, s in enumerate(SUPPORTED_SUFFIXES)}
# Characters Dagster rejects in partition keys or that break its key syntax/UIs; '%' is the escape.
_BAD_KEY_CHARS = re.compile(r"[%,\[\]*?\x00-\x1f\x7f|\\\"'<>]")
_DOT_RUN = re.compile(r"\.{3,}")
_PERCENT = re.compile(r"%([0-9A-F]{2})")
_SYSTEM_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", "ehthumbs.db"})
_LEFTOVER_SUFFIXES = (".swp", ".swo", ".swx", ".tmp", ".bak", ".crdownload", ".part")


@dataclass
class Discovery:
    """What one walk of the reports folder found.

    ``files``: partition key -> path as found (a symlink stays a symlink; it is keyed by its own
    path). ``skipped``: ``(relative path, reason)`` of entries left out on purpose. ``unreadable``:
    ``(relative path, error)`` of folders that could not be listed and links that lead nowhere.
    """

    root: Path
    files: dict[str, Path] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)

    def unreadable_prefixes(self) -> list[str]:
        """Partition-key prefixes of the unreadable folders (``""`` when the root itself is unreadable)."""
        out = []
        for rel, _ in self.unreadable:
            suffix = _suffix(rel.rsplit("/", 1)[-1])
            if suffix not in ("", "?"):
                rel = rel[: -len(suffix)]
            out.append("" if rel == "." else encode_key_part_path(rel))
        return out

    def is_under_unreadable(self, key: str) -> bool:
        """True when ``key`` is, or lies under, something that could not be read this time."""
        return any(p == "" or key == p or key.startswith(p + "/") for p in self.unreadable_prefixes())


def leftover_reason(name: str) -> str | None:
    """Why a file name is an editor/system leftover (backup, lock, swap, OS metadata), or None."""
    if name in _SYSTEM_FILES:
        return "system file"
    if name.endswith("~"):
        return "editor backup (*~)"
    if name.startswith(".#"):
        return "editor lock file (.#*)"
    if name.startswith(("~$", ".~lock")):
        return "office lock file (~$*)"
    if name.lower().endswith(_LEFTOVER_SUFFIXES):
        return f"editor swap/temporary file (*{Path(name).suffix.lower()})"
    return None


def _suffix(name: str) -> str:
    """The supported suffix of a file name, lower case; ``""`` when it has none (``2024``, ``2024.final``)."""
    dot = name.rfind(".")
    if dot <= 0:
        return ""
    s = name[dot:].lower()
    if s in _SUFFIX_RANK:
        return s
    return "" if not re.fullmatch(r"\.[A-Za-z]+", s) else "?"


def _inside(target: str, root_real: str) -> bool:
    return target == root_real or target.startswith(root_real.rstrip(os.sep) + os.sep)


def _encode_part(part: str) -> str:
    part = _BAD_KEY_CHARS.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8")), part)
    return _DOT_RUN.sub(lambda m: "%2E" * len(m.group(0)), part)


def encode_key_part_path(rel: str) -> str:
    """Encode a relative POSIX path for use in a partition key (see :func:`decode_partition_key`)."""
    return "/".join(_encode_part(p) for p in rel.split("/"))


def decode_partition_key(key: str) -> str:
    """The relative path (without the suffix unless the key kept it) that a partition key stands for."""
    raw = _PERCENT.sub(lambda m: "\x00" + m.group(1), key)
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i] == "\x00":
            out.append(int(raw[i + 1 : i + 3], 16))
            i += 3
        else:
            out.extend(raw[i].encode("utf-8"))
            i += 1
    return out.decode("utf-8")


def _folder_keys(names: list[str]) -> dict[str, str]:
    """Key name (before encoding) of every accepted file name in one folder.

    A file's key is its name without the suffix. Files that share that stem (``2024.txt`` and
    ``2024.pdf``; ``2013.txt`` and ``2013.TXT``; ``2013.txt`` and ``2013``) are told apart: a file
    without suffix keeps its name; otherwise the single best-ranked suffix (txt, html, htm, pdf,
    docx) keeps the bare stem and every other file keeps its full name.
    """
    groups: dict[str, list[str]] = {}
    for name in names:
        s = _suffix(name)
        stem = name[: -len(s)] if s else name
        groups.setdefault(stem, []).append(name)
    keys: dict[str, str] = {}
    for stem, members in groups.items():
        if len(members) == 1:
            keys[members[0]] = stem
            continue
        for name in members:
            keys[name] = name
        if stem not in members:
            ranks = sorted((_SUFFIX_RANK[_suffix(n)], n) for n in members)
            if ranks[0][0] < ranks[1][0]:
                keys[ranks[0][1]] = stem
    return keys


def scan_reports(root: Path) -> Discovery:
    """Walk ``root`` once and return every report file by partition key, and what was left out and why.

    Supported: ``.txt .html .htm .pdf .docx`` (any case) and files without a suffix (sniffed when
    read). Symlinks inside the folder are followed and keyed by their own path; a link whose
    target lies outside the folder is still listed as a partition for a file link (the reader
    refuses it without reading) and skipped for a folder link. Hidden entries, editor and system
    leftovers (``*~``, ``.#*``, ``~$*``, ``*.swp``, ``.DS_Store``) and unsupported suffixes are
    skipped and listed; unreadable folders and broken links are listed as unreadable.
    """
    root = Path(root)
    found = Discovery(root=root)
    if not root.is_dir():
        return found
    root_real = os.path.realpath(root)
    # (relative folder, folder path, real paths of the folders above it: a link back up is a loop)
    stack: list[tuple[str, str, frozenset[str]]] = [("", str(root), frozenset({root_real}))]
    while stack:
        stack.extend(_list_folder(found, *stack.pop(), root_real))
    return _sorted(found)


def scan_report_folders(root: Path, keys: Iterable[str]) -> Discovery:
    """What :func:`scan_reports` finds in the folders of ``keys`` only: each listed once, none descended into.

    A run of a few partitions (a batch of ``govreport run``, a sensor's new files) looks its files up
    here instead of walking the whole reports folder: 2,000 keys of a 50,000-file tree list their own
    folders, not all of them. The keys found are exactly those the whole walk finds in those folders.
    A folder that is hidden, lies outside ``root`` (through a link) or cannot be listed yields none of
    its keys; the last is listed as unreadable.
    """
    root = Path(root)
    found = Discovery(root=root)
    if not root.is_dir():
        return found
    root_real = os.path.realpath(root)
    for rel_dir in sorted({decode_partition_key(key.rpartition("/")[0]) for key in keys}):
        directory = os.path.join(root, rel_dir) if rel_dir else str(root)
        if any(part.startswith(".") for part in rel_dir.split("/") if part):
            continue
        if not _inside(os.path.realpath(directory), root_real):
            continue
        _list_folder(found, rel_dir, directory, frozenset(), root_real)
    return _sorted(found)


def _list_folder(found: Discovery, rel_dir: str, directory: str, above: frozenset[str],
                 root_real: str) -> list[tuple[str, str, frozenset[str]]]:
    """Add one folder's report files (and what it skips) to ``found``; return its subfolders to walk."""
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        found.unreadable.append((rel_dir or ".", f"cannot list folder: {exc.strerror or exc}"))
        return []
    subfolders: list[tuple[str, str, frozenset[str]]] = []
    accepted: list[tuple[str, str]] = []
    for entry in entries:
        rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError as exc:
            found.unreadable.append((rel, f"cannot stat: {exc.strerror or exc}"))
            continue
        target = os.path.realpath(entry.path) if is_link else None
        if is_dir:
            if entry.name.startswith("."):
                found.skipped.append((rel + "/", "hidden folder"))
            elif target is not None and not _inside(target, root_real):
                found.skipped.append((rel + "/", "symlink to a folder outside the reports folder (not followed)"))
            elif (real := os.path.realpath(entry.path)) in above:
                found.skipped.append((rel + "/", "symlink loop (links to a folder above it)"))
            else:
                subfolders.append((rel, entry.path, above | {real}))
            continue
        if not is_file:
            if is_link:
                found.unreadable.append((rel, "broken symlink (its target does not exist)"))
            else:
                found.skipped.append((rel, "not a regular file"))
            continue
        reason = leftover_reason(entry.name)
        if reason is None and entry.name.startswith("."):
            reason = "hidden file"
        if reason is None and _suffix(entry.name) == "?":
            reason = "unsupported file type"
        if reason:
            found.skipped.append((rel, reason))
            continue
        accepted.append((entry.name, entry.path))
    keys = _folder_keys([name for name, _ in accepted])
    prefix = encode_key_part_path(rel_dir) + "/" if rel_dir else ""
    for name, path in accepted:
        found.files[prefix + _encode_part(keys[name])] = Path(path)
    return subfolders


def _sorted(found: Discovery) -> Discovery:
    found.files = dict(sorted(found.files.items()))
    found.skipped.sort()
    found.unreadable.sort()
    return found


def discover_report_files(root: Path) -> list[Path]:
    """All report files under ``root`` (recursively), sorted by relative path (see :func:`scan_reports`)."""
    root = Path(root)
    files = list(scan_reports(root).files.values())
    return sorted(files, key=lambda p: os.path.relpath(p, root).replace(os.sep, "/"))


def partition_key_for(path: Path, root: Path) -> str:
    """Partition key of one report file: its path relative to ``root`` without the suffix.

    ``city/南京市/2024.txt`` -> ``city/南京市/2024``. Siblings that share the stem are told
    apart as in :func:`scan_reports` (``2024.txt`` keeps ``2024``, ``2024.pdf`` becomes
    ``2024.pdf``). Lists the file's folder once; for many files use :func:`scan_reports`.
    """
    path, root = Path(path), Path(root)
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root)).replace(os.sep, "/")
    if rel.startswith("../"):
        rel = path.name
    rel_dir, _, name = rel.rpartition("/")
    try:
        names = [
            e.name
            for e in os.scandir(path.parent)
            if e.is_file() and not e.name.startswith(".") and leftover_reason(e.name) is None
            and _suffix(e.name) != "?"
        ]
    except OSError:
        names = []
    if name not in names:
        names.append(name)
    keys = _folder_keys(names)
    prefix = encode_key_part_path(rel_dir) + "/" if rel_dir else ""
    return prefix + _encode_part(keys[name])
