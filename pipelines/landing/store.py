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
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DOCUMENT_FILE = "document.json"
EXTRACTION_FILE = "extraction.json"
READY_FILE = "ready.json"
READY_INDEX = ".ready-index.json"  # the last listing's markers, by their stat (see LandingStore.ready_partitions)
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


def _read_index(path: Path) -> dict[str, list]:
    """The markers of the last listing (empty when there is none or it cannot be read: every marker is read)."""
    try:
        index = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return index if isinstance(index, dict) else {}


def _write_index(path: Path, index: dict[str, list]) -> None:
    """Replace the marker index (a cache: a failed write costs the next listing its reads, nothing else)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    try:
        tmp.write_bytes(json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


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

        A marker is read only when it is new or was written again since the last listing: the key and stage hash
        of every marker are kept in ``<root>/.ready-index.json`` with the marker's inode, modification time and
        size (a marker is always written to a new file and renamed into place, so a rewritten one never matches).
        At 10,000 partitions reading every marker took 0.9 s of a 1.4 s listing.
        """
        found: dict[str, StagedPartition] = {}
        base = self.root / "partitions"
        if not base.exists():
            return found
        index_path = self.root / READY_INDEX
        known = _read_index(index_path)
        seen: dict[str, list] = {}
        # os.walk, not Path.rglob: at 10,000 partitions rglob took 3.0 s of a 3.7 s load with nothing to load
        for folder, _subfolders, files in os.walk(base):
            if READY_FILE not in files:
                continue
            marker = os.path.join(folder, READY_FILE)
            try:
                st = os.stat(marker)
            except FileNotFoundError:  # removed since the folder was listed
                continue
            rel = os.path.relpath(marker, self.root)
            entry = known.get(rel)
            if not (isinstance(entry, list) and len(entry) == 5 and entry[:3] == [st.st_ino, st.st_mtime_ns, st.st_size]):
                info = json.loads(Path(marker).read_bytes())
                entry = [st.st_ino, st.st_mtime_ns, st.st_size, info["partition_key"], info["stage_sha"]]
            seen[rel] = entry
            found[entry[3]] = StagedPartition(entry[3], entry[4], Path(folder))
        if seen != known:
            _write_index(index_path, seen)
        return found

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
