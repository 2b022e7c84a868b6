"""What a staged document or extraction was made with: the ingest and the extract version.

A staged document is stale when the code that made it changed, even if its file did not; so is a
staged extraction. Each version is the hand-kept constant (``INGEST_VERSION`` in
:mod:`pipelines.landing.work`, ``EXTRACTOR_VERSION``) plus a digest of everything the stage's result
depends on besides the file: the source files of its packages (``pipelines/ingest`` or
``pipelines/extract``, with ``pipelines/domain`` and the per-report work in ``landing/work.py``),
the dbt seeds the domain and extract code read, and the versions of the libraries that parse files
or cut words. Editing any of them makes the next run read (or extract) every report again.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

from pipelines.domain.seeds import SEEDS_DIR
from pipelines.landing import work

_PACKAGE = Path(__file__).resolve().parents[1]
INGEST_SOURCES = ("ingest", "domain", "landing/work.py")
EXTRACT_SOURCES = ("extract", "domain", "landing/work.py")
INGEST_LIBRARIES = ("beautifulsoup4", "lxml", "pypdf", "python-docx", "opencc-python-reimplemented")
EXTRACT_LIBRARIES = ("jieba",)


def _files(entry: Path) -> list[Path]:
    if entry.is_file():
        return [entry]
    return sorted(p for p in entry.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _library_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


@cache
def source_digest(sources: tuple[str, ...], libraries: tuple[str, ...]) -> str:
    """sha256 over the files under ``sources`` (paths inside ``pipelines/``), the dbt seeds and ``libraries``' versions."""
    digest = hashlib.sha256()
    files = [f for s in sources for f in _files(_PACKAGE / s)] + sorted(SEEDS_DIR.glob("*.csv"))
    for path in files:
        digest.update(path.relative_to(_PACKAGE.parent).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in libraries:
        digest.update(f"{name}=={_library_version(name)}\0".encode())
    return digest.hexdigest()


def ingest_version() -> str:
    """The version a staged document records: ``INGEST_VERSION`` plus the digest of the ingest code and its inputs."""
    return f"{work.INGEST_VERSION}+{source_digest(INGEST_SOURCES, INGEST_LIBRARIES)[:16]}"


def extract_version() -> str:
    """The version a staged extraction records: ``EXTRACTOR_VERSION`` plus the digest of the extract code and its inputs.

    The constants are read from :mod:`pipelines.landing.work` at each call, so a test that swaps the
    extractor and its version there (tests/corrections/scenario.py) gets every report extracted again.
    """
    return f"{work.EXTRACTOR_VERSION}+{source_digest(EXTRACT_SOURCES, EXTRACT_LIBRARIES)[:16]}"
