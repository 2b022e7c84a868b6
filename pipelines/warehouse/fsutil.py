"""Small file-system helpers for files published to readers: flush to disk, remove if present."""

import contextlib
import os
from pathlib import Path


def fsync_path(path: Path) -> None:
    """Flush a file or directory to disk (best effort where the platform cannot open directories)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def remove_quietly(path: Path) -> None:
    """Delete ``path`` if it exists."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
