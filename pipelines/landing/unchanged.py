"""Recognising an unchanged report file before reading it: fingerprint first, then content hash.

When a file is ingested, the landing store records beside its staged document where the file was
(its path as found, the real path, the reports folder), its fingerprint (size, mtime in ns, inode,
device), the sha256 of its bytes, the ingest version and a short summary of the outcome. On the
next run, :func:`ingest_decision` compares that record with the file as it is now:

* ``reuse``: same place, same ingest version, same fingerprint: the staged document is kept and the
  file is not opened;
* ``hash``: same place and version, different fingerprint (``touch``, a copy, a restore): the bytes
  are read and hashed; the same hash keeps the staged document (the record gets the new fingerprint);
* ``read``: anything else (no record, an old store, a new ingest version, a moved reports folder):
  the file is read, decoded, parsed and attributed again.

A fingerprint taken within :data:`RACY_WINDOW_NS` of the file's mtime is not trusted (as git does
with its index): a same-size edit in the same clock tick would otherwise keep the old document.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipelines.landing.store import LandingStore, extraction_timed_out

REUSE, HASH, READ = "reuse", "hash", "read"
# A file modified less than this before its fingerprint was taken is hashed again next time
# (FAT keeps mtimes to 2 s; most filesystems far finer).
RACY_WINDOW_NS = 2_000_000_000


@dataclass(frozen=True)
class Fingerprint:
    """What ``stat`` says about a file: cheap to take, changes when the file is written or replaced."""

    size: int
    mtime_ns: int
    inode: int
    device: int
    real_path: str

    def to_dict(self) -> dict:
        """The fingerprint as a plain dict (JSON)."""
        return asdict(self)


def take_fingerprint(path: Path) -> Fingerprint | None:
    """The fingerprint of the file at ``path`` (links followed), or None when it cannot be stat-ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return Fingerprint(st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev, os.path.realpath(path))


def inside_root(real_path: str, root: Path) -> bool:
    """True when the real path of a file lies inside the reports folder ``root``."""
    real_root = os.path.realpath(root)
    return real_path == real_root or real_path.startswith(real_root.rstrip(os.sep) + os.sep)


def read_source(path: Path) -> bytes:
    """The bytes of a report file: the one place the landing work reads a report file."""
    return Path(path).read_bytes()


def bytes_sha256(data: bytes) -> str:
    """sha256 of a file's bytes, hex."""
    return hashlib.sha256(data).hexdigest()


def source_record(
    path: Path, root: Path, fingerprint: Fingerprint, checked_at_ns: int, data_sha: str, version: str,
    payload: dict,
) -> dict:
    """What the store keeps about the file a staged document was made from (see the module docstring)."""
    return {
        "source_path": str(path),
        "root": str(root),
        "fingerprint": fingerprint.to_dict(),
        "checked_at_ns": checked_at_ns,
        "bytes_sha256": data_sha,
        "ingest_version": version,
        "summary": outcome_summary(payload),
    }


def outcome_summary(payload: dict) -> dict:
    """What a run reports of a staged ingest payload: a document or not, its length, its issues."""
    document = payload.get("document")
    return {
        "document": document is not None,
        "characters": len(document["text"]) if document is not None else 0,
        "issues": [{k: i.get(k) for k in ("reason_code", "severity", "reason")} for i in payload["issues"]],
    }


def refreshed_record(record: dict, fingerprint: Fingerprint, checked_at_ns: int) -> dict:
    """``record`` with a new fingerprint and check time (same bytes, e.g. after ``touch``)."""
    return {**record, "fingerprint": fingerprint.to_dict(), "checked_at_ns": checked_at_ns}


def ingest_decision(
    record: dict | None, current: Fingerprint | None, *, source_path: str, root: str, version: str,
) -> str:
    """``reuse``, ``hash`` or ``read`` for a file whose staged document has ``record`` (None: no record)."""
    if not isinstance(record, dict) or current is None:
        return READ
    try:
        same_place = (record["source_path"], record["root"]) == (source_path, root)
        same_version = record["ingest_version"] == version
        recorded = record["fingerprint"]
        settled = recorded["mtime_ns"] + RACY_WINDOW_NS <= record["checked_at_ns"]
    except (KeyError, TypeError):
        return READ
    if not (same_place and same_version):
        return READ
    return REUSE if settled and recorded == current.to_dict() else HASH


def now_ns() -> int:
    """The wall clock in ns (the check time of a fingerprint)."""
    return time.time_ns()


@dataclass
class IngestPlan:
    """Which partitions of a run keep their staged document unread, and which files are opened.

    ``reused``: key -> source record (fingerprint unchanged). ``to_open``: ``(key, path, record)``,
    the record given when only a content hash is needed to keep the staged document (else None).
    """

    reused: dict[str, dict] = field(default_factory=dict)
    to_open: list[tuple[str, Path, dict | None]] = field(default_factory=list)


def plan_ingest(store: LandingStore, files: dict[str, Path], keys: list[str], root: Path, version: str) -> IngestPlan:
    """Sort the partitions ``keys`` (each with a file in ``files``) by :func:`ingest_decision`; stats files only."""
    plan = IngestPlan()
    for key in keys:
        path = files[key]
        record = store.read_source_record(key)
        decision = ingest_decision(record, take_fingerprint(path), source_path=str(path), root=str(root),
                                   version=version)
        if decision == REUSE:
            plan.reused[key] = record
        else:
            plan.to_open.append((key, path, record if decision == HASH else None))
    return plan


def extraction_is_current(extraction: dict | None, document_sha: str | None, version: str) -> bool:
    """True when ``extraction`` was made from the document with ``document_sha`` by extract ``version``.

    An extraction that ran over its time budget is never current: it is tried again.
    """
    if not isinstance(extraction, dict) or document_sha is None:
        return False
    return (extraction.get("document_sha") == document_sha and extraction.get("extract_version") == version
            and not extraction_timed_out(extraction))


def current_extraction(store: LandingStore, partition_key: str, version: str) -> dict | None:
    """The staged extraction of a partition when it is current (:func:`extraction_is_current`), else None."""
    extraction = store.ready_extraction(partition_key)
    if extraction is None:
        return None
    return extraction if extraction_is_current(extraction, store.document_sha(partition_key), version) else None


def partition_is_current(
    store: LandingStore, key: str, path: Path, root: Path, ingest_version: str, extract_version: str,
) -> bool:
    """True when a partition's staged document and extraction both still hold for the file at ``path``.

    Reads only the small source record and ready marker and stats the file: the document is kept by
    fingerprint (:func:`ingest_decision` says ``reuse``) and the ready marker names the current extract
    version without a timeout. Anything else (a touched file, an old store, a version change) is not
    current, and the run's ingest and extract steps decide what to do with it.
    """
    return records_are_current(store.read_source_record(key), store.ready_marker(key), path, root, ingest_version,
                               extract_version)


def records_are_current(record: dict | None, marker: dict | None, path: Path, root: Path, ingest_version: str,
                        extract_version: str) -> bool:
    """:func:`partition_is_current` on a partition's source record and ready marker, read already."""
    if ingest_decision(record, take_fingerprint(path), source_path=str(path), root=str(root),
                       version=ingest_version) != REUSE:
        return False
    return (isinstance(marker, dict) and marker.get("extract_version") == extract_version
            and marker.get("timed_out") is False)


def stale_partitions(
    store: LandingStore, files: dict[str, Path], keys: list[str], root: Path, ingest_version: str,
    extract_version: str,
) -> list[str]:
    """The partitions among ``keys`` (in their order) that need the ingest or extract step (see
    :func:`partition_is_current`); a key without a file in ``files`` counts as stale. The records come from the
    landing store's listing (:meth:`~pipelines.landing.store.LandingStore.partition_records`), read again only for
    folders that changed; each file is stat'ed."""
    records = store.partition_records()
    stale = []
    for key in keys:
        source, marker = records.get(store.partition_folder_key(key), (None, None))
        if key not in files or not records_are_current(source, marker, files[key], root, ingest_version,
                                                       extract_version):
            stale.append(key)
    return stale
