"""Per-partition landing store between the Python assets and the DuckDB load.

Ingest writes ``document.json`` for a partition (and ``source.json``, what it knows of the file it
read: see :mod:`pipelines.landing.unchanged`), extract writes ``extraction.json`` and then a
``ready.json`` marker holding the hash of both. The load asset reads only markers to find
partitions whose staged content differs from what the warehouse holds, so adding one report loads
one report, and every load of the raw tables happens in a single DuckDB transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DOCUMENT_FILE = "document.json"
EXTRACTION_FILE = "extraction.json"
READY_FILE = "ready.json"
READY_INDEX = ".ready-index.json"  # the last listing's folders and markers (see LandingStore.ready_partitions)
RECORDS_INDEX = ".records-index.json"  # the folders' source records and markers (LandingStore.partition_records)
RACY_MARGIN_NS = 2_000_000_000  # folders changed this close to the last listing are listed again (2 s: FAT's clock)
_INDEX_VERSION = 5
SOURCE_FILE = "source.json"


@dataclass(frozen=True)
class StagedPartition:
    """What the loader needs to know about one staged partition."""

    partition_key: str
    stage_sha: str
    directory: Path


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _read_index(path: Path) -> dict[str, Any]:
    """An index as written (empty when there is none or it cannot be read: every folder is listed)."""
    try:
        index = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return index if isinstance(index, dict) else {}


def _cached_folders(path: Path) -> tuple[dict[str, Any], int]:
    """The folder entries of the index at ``path`` when it is of this version (else none), and the time before
    which an entry's folder time can be trusted: :data:`RACY_MARGIN_NS` before the index was made."""
    index = _read_index(path)
    dirs = index.get("dirs") if index.get("version") == _INDEX_VERSION else None
    made_at = index.get("made_at") if isinstance(index.get("made_at"), int) else 0
    return (dirs if isinstance(dirs, dict) else {}), made_at - RACY_MARGIN_NS


def _save_folders(path: Path, dirs: dict[str, list], made_at: int) -> None:
    """Write the index :func:`_cached_folders` reads: ``dirs`` as found from ``made_at`` on."""
    _write_index(path, {"version": _INDEX_VERSION, "made_at": made_at, "dirs": dirs})


def _write_index(path: Path, index: dict[str, Any]) -> None:
    """Replace the listing index (a cache: a failed write costs the next listing its reads, nothing else)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    try:
        tmp.write_bytes(json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def _list_folders(root: str, top: str, known: dict[str, Any], trusted_before: int) -> tuple[dict[str, list], int]:
    """``top`` (relative to ``root``) and every folder below it: relative path -> ``[mtime_ns, sub-folders,
    marker]`` (marker ``[inode, mtime_ns, size, partition key, stage hash]`` or None); and how many folders were
    listed. A folder whose time equals its entry in ``known`` and is older than ``trusted_before`` keeps that
    entry without being listed."""
    seen: dict[str, list] = {}
    relisted = 0
    pending = [top]
    while pending:
        rel = pending.pop()
        path = os.path.join(root, rel)
        try:
            mtime = os.stat(path).st_mtime_ns  # before the listing: a change during it shows next time
        except OSError:  # removed since its parent was listed
            continue
        entry = known.get(rel)
        valid = _valid_folder_entry(entry)
        if not (valid and entry[0] == mtime and mtime < trusted_before):
            entry = _folder_entry(path, mtime, entry[2] if valid else None)
            if entry is None:
                continue
            relisted += 1
        seen[rel] = entry
        pending.extend(f"{rel}/{name}" for name in entry[1])
    return seen, relisted


def _valid_folder_entry(entry: Any) -> bool:
    return (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[1], list)
            and (entry[2] is None or (isinstance(entry[2], list) and len(entry[2]) == 5)))


def _folder_entry(path: str, mtime: int, marker_before: list | None) -> list | None:
    """A folder's index entry, listed now; its marker is read unless it is the file ``marker_before`` names."""
    subfolders: list[str] = []
    has_marker = False
    try:
        with os.scandir(path) as entries:
            for item in entries:
                if item.is_dir(follow_symlinks=False):
                    subfolders.append(item.name)
                elif item.name == READY_FILE:
                    has_marker = True
    except OSError:  # removed since its parent was listed
        return None
    marker = None
    if has_marker:
        file = os.path.join(path, READY_FILE)
        try:
            st = os.stat(file)
            if marker_before is not None and marker_before[:3] == [st.st_ino, st.st_mtime_ns, st.st_size]:
                marker = marker_before
            else:
                info = json.loads(Path(file).read_bytes())
                marker = [st.st_ino, st.st_mtime_ns, st.st_size, info["partition_key"], info["stage_sha"]]
        except FileNotFoundError:  # removed since the folder was listed: its time changed, listed again next time
            marker = None
    return [mtime, sorted(subfolders), marker]


def _folder_records(root: str, folders: dict[str, list], known: dict[str, Any], trusted_before: int
                    ) -> tuple[dict[str, list], int]:
    """Relative path -> ``[mtime_ns, [source record, ready marker]]`` for every folder of a listing (the fields of
    :data:`_SOURCE_FIELDS` and :data:`_MARKER_FIELDS` only); and how many folders' files were read. A folder whose
    time equals its entry in ``known`` and is older than ``trusted_before`` keeps that entry."""
    out: dict[str, list] = {}
    read = 0
    for rel, (mtime, _subfolders, _marker) in folders.items():
        entry = known.get(rel)
        if not (isinstance(entry, list) and len(entry) == 2 and entry[0] == mtime and mtime < trusted_before
                and isinstance(entry[1], list) and len(entry[1]) == 2
                and all(r is None or isinstance(r, dict) for r in entry[1])):
            path = Path(root, rel)
            # as read_source_record and ready_marker read them: a source record counts only beside a document
            source = _json_if(path / DOCUMENT_FILE, path / SOURCE_FILE)
            marker = _json_if(path / READY_FILE, path / READY_FILE)
            entry = [mtime, [_fields(source, _SOURCE_FIELDS), _fields(marker, _MARKER_FIELDS)]]
            read += 1
        out[rel] = entry
    return out, read


# What the records index keeps of a partition's source record and ready marker: the fields that decide whether the
# partition is current (pipelines.landing.unchanged.records_are_current), not the summary and hashes (an index of
# 10,000 partitions with whole records held 33 MB of Python objects once read). Kept apart from the listing's index,
# which the load reads on every run and needs none of it.
_SOURCE_FIELDS = ("source_path", "root", "ingest_version", "fingerprint", "checked_at_ns")
_MARKER_FIELDS = ("extract_version", "timed_out")


def _fields(record: Any, names: tuple[str, ...]) -> dict | None:
    return {k: record[k] for k in names if k in record} if isinstance(record, dict) else None


def _dump(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True).encode("utf-8")


class LandingStore:
    """A folder with one sub-folder per partition key (keys may contain '/')."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def partition_dir(self, partition_key: str) -> Path:
        """The folder holding one partition's staged files."""
        safe = "/".join(part if part not in ("", ".", "..") else "_" for part in partition_key.split("/"))
        return self.root / "partitions" / safe

    def write_document(self, partition_key: str, payload: dict) -> str:
        """Stage the ingest outcome of a partition; returns the document hash.

        Writing a new document invalidates the partition's source record until the caller writes
        the new one, and its ready marker until extraction reruns; a document equal to the staged one
        is left as it is, with its marker (its extraction still holds).
        """
        directory = self.partition_dir(partition_key)
        (directory / SOURCE_FILE).unlink(missing_ok=True)
        data = _dump(payload)
        try:
            if (directory / DOCUMENT_FILE).read_bytes() == data:
                return _sha(data)
        except OSError:
            pass
        (directory / READY_FILE).unlink(missing_ok=True)
        _atomic_write(directory / DOCUMENT_FILE, data)
        return _sha(data)

    def read_document(self, partition_key: str) -> tuple[dict, str]:
        """Return the staged ingest outcome of a partition and its hash."""
        data = (self.partition_dir(partition_key) / DOCUMENT_FILE).read_bytes()
        return json.loads(data), _sha(data)

    def document_sha(self, partition_key: str) -> str | None:
        """The hash of a partition's staged document, or None when none is staged."""
        try:
            return _sha((self.partition_dir(partition_key) / DOCUMENT_FILE).read_bytes())
        except OSError:
            return None

    def write_source_record(self, partition_key: str, record: dict) -> None:
        """Keep what is known of the file a partition's staged document was read from."""
        _atomic_write(self.partition_dir(partition_key) / SOURCE_FILE, _dump(record))

    def read_source_record(self, partition_key: str) -> dict | None:
        """The source record of a partition, or None (none kept: an older store, or never read whole)."""
        directory = self.partition_dir(partition_key)
        return _json_if(directory / DOCUMENT_FILE, directory / SOURCE_FILE)

    def write_extraction(self, partition_key: str, document_sha: str, payload: dict) -> str:
        """Stage facts and keywords for a partition and mark it ready; returns the stage hash."""
        directory = self.partition_dir(partition_key)
        data = _dump({**payload, "document_sha": document_sha})
        _atomic_write(directory / EXTRACTION_FILE, data)
        stage_sha = _sha((document_sha + _sha(data)).encode())
        # the extract version and a timeout in the marker let a run tell a current partition from the
        # marker alone, without reading the extraction (see pipelines.landing.unchanged.partition_is_current)
        marker = {"partition_key": partition_key, "stage_sha": stage_sha,
                  "extract_version": payload.get("extract_version"), "timed_out": extraction_timed_out(payload)}
        _atomic_write(directory / READY_FILE, _dump(marker))
        return stage_sha

    def read_extraction(self, partition_key: str) -> dict:
        """Return the staged facts and keywords of a partition."""
        return json.loads((self.partition_dir(partition_key) / EXTRACTION_FILE).read_bytes())

    def ready_extraction(self, partition_key: str) -> dict | None:
        """The staged extraction of a partition marked ready, or None (not ready, missing or unreadable)."""
        directory = self.partition_dir(partition_key)
        return _json_if(directory / READY_FILE, directory / EXTRACTION_FILE)

    def ready_marker(self, partition_key: str) -> dict | None:
        """The ready marker of a partition (its key, stage hash, extract version), or None when not ready."""
        marker = self.partition_dir(partition_key) / READY_FILE
        return _json_if(marker, marker)

    def note_extract_version(self, partition_key: str, extract_version: str) -> None:
        """Record in a ready marker that its extraction is current for ``extract_version`` (a marker
        written before markers named the version); the stage hash, and so the loaded state, is unchanged."""
        marker = self.ready_marker(partition_key)
        if marker is not None and marker.get("extract_version") != extract_version:
            marker.update(extract_version=extract_version, timed_out=False)
            _atomic_write(self.partition_dir(partition_key) / READY_FILE, _dump(marker))

    def ready_partitions(self) -> dict[str, StagedPartition]:
        """Every partition whose ingest and extraction are both staged, by partition key.

        The listing re-reads only what changed since the last one, kept in ``<root>/.ready-index.json``: every
        folder under ``partitions/`` with its modification time, its sub-folders and its marker (the marker's
        inode, time and size, key and stage hash). A folder whose time is unchanged has the same entries, so it is
        not listed again and its marker is not opened (every file here is written to a new name and renamed into
        place, or deleted: either changes the folder's time); only the folders are stat'ed. A folder changed less
        than :data:`RACY_MARGIN_NS` before the last listing started is listed again, as a change in the same tick
        of a coarse file-system clock would not show in its time. At 10,000 partitions a walk of every folder
        and a stat of every marker took 0.8–1.3 s.
        """
        found, _folders = self._listing()
        return found

    def partition_records(self) -> dict[str, tuple[dict | None, dict | None]]:
        """Every partition folder's source record and ready marker, as :meth:`read_source_record` and
        :meth:`ready_marker` would read them but with only the fields that decide whether the partition is current
        (:func:`~pipelines.landing.unchanged.records_are_current`), by the folder's path relative to the root (see
        :meth:`partition_folder_key`). Both files are read again only in folders whose time changed since they were
        last read (kept in ``<root>/.records-index.json``, with the same margin as the listing's). At 10,000
        partitions reading both files of every partition took 1.9–3.2 s."""
        _found, folders = self._listing()
        index_path = self.root / RECORDS_INDEX
        known, trusted_before = _cached_folders(index_path)
        started = time.time_ns()
        records, read = _folder_records(str(self.root), folders, known, trusted_before)
        if read or len(records) != len(known):
            _save_folders(index_path, records, started)
        return {rel: (entry[1][0], entry[1][1]) for rel, entry in records.items()}

    def partition_folder_key(self, partition_key: str) -> str:
        """The key of a partition's folder in :meth:`partition_records`."""
        return self.partition_dir(partition_key).relative_to(self.root).as_posix()

    def _listing(self) -> tuple[dict[str, StagedPartition], dict[str, list]]:
        """The staged partitions and every folder under ``partitions/`` with its entry (see :func:`_list_folders`),
        through the listing's index (see :meth:`ready_partitions`)."""
        if not (self.root / "partitions").exists():
            return {}, {}
        index_path = self.root / READY_INDEX
        known, trusted_before = _cached_folders(index_path)
        started = time.time_ns()
        seen, relisted = _list_folders(str(self.root), "partitions", known, trusted_before)
        if relisted:  # also when nothing changed: a later time lets the next listing trust those folders
            _save_folders(index_path, seen, started)
        found = {marker[3]: StagedPartition(marker[3], marker[4], self.root / rel)
                 for rel, (_, _, marker) in seen.items() if marker is not None}
        return found, seen

    def remove(self, partition_key: str) -> None:
        """Delete a partition's staged files (the report file was removed)."""
        shutil.rmtree(self.partition_dir(partition_key), ignore_errors=True)


def extraction_timed_out(extraction: dict) -> bool:
    """True when a staged extraction is the placeholder of one that ran over its time budget (tried again)."""
    return (extraction.get("error") or {}).get("reason_code") == "timeout"


def _json_if(marker: Path, path: Path) -> dict | None:
    """The JSON in ``path`` when ``marker`` exists, else None (also None when it is missing or unreadable)."""
    if not marker.exists():
        return None
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
