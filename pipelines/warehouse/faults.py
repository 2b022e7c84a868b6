"""Pause points for fault tests, passed in as a hook instead of read from the environment.

Production code calls ``pause(stage)`` at a few points where a killed process must leave the
warehouse or the published snapshot intact (``before_commit`` in the load; ``copying``,
``before_replace`` and ``exports_ready`` in the publish). The hook is ``None`` in a normal run; a
test passes :func:`marker_pause` (directly, or through ``govreport run --fault-pause``) and kills
the process while it waits.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

Pause = Callable[[str], None]


def marker_pause(spec: str) -> Pause | None:
    """A hook from ``"<stage>:<marker path>"``: at that stage, write the marker (our pid) and wait while it exists.

    The test sees the marker appear, then kills the process or deletes the marker to let it go on.
    An empty ``spec`` gives ``None`` (no pause).
    """
    if not spec:
        return None
    stage, sep, marker = spec.partition(":")
    if not sep or not marker:
        raise ValueError(f"fault pause {spec!r}: expected '<stage>:<marker path>'")

    def pause(at: str) -> None:
        if at != stage:
            return
        path = Path(marker)
        path.write_text(str(os.getpid()))
        while path.exists():
            time.sleep(0.01)

    return pause


def pause_at(pause: Pause | None, stage: str) -> None:
    """Call ``pause(stage)`` when a hook is given."""
    if pause is not None:
        pause(stage)
