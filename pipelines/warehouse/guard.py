"""The removal guard: a run never removes more than a small share of the loaded reports by accident.

A reports folder that is empty, wrong, half-mounted or partly unreadable looks exactly like "every
report was deleted". Before anything removes loaded reports from the warehouse (the runner, the
loader, the sensor), the plan is checked here: more than ``max_share`` of the loaded reports
going away, or any loaded report whose file or folder merely cannot be read, stops the run with a
message saying which, unless the operator allows removal (``--allow-removal``, the
``allow_removal`` setting, ``GOVREPORT_ALLOW_REMOVAL=1`` or the run tag ``govreport/allow_removal``).

No Dagster imports here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

DEFAULT_MAX_REMOVAL_SHARE = 0.2
ALLOW_REMOVAL_ENV = "GOVREPORT_ALLOW_REMOVAL"
MAX_REMOVAL_SHARE_ENV = "GOVREPORT_MAX_REMOVAL_SHARE"
ALLOW_REMOVAL_TAG = "govreport/allow_removal"
_LISTED = 8


class RemovalRefused(RuntimeError):
    """Raised when a run would remove too many loaded reports, or reports whose files are unreadable."""


@dataclass
class RemovalPlan:
    """Loaded report partitions, and which of them a run would remove (gone) or lose to unreadability."""

    loaded: set[str]
    removed: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        """Share of the loaded reports this plan would take out of the warehouse."""
        return (len(self.removed) + len(self.unreadable)) / len(self.loaded) if self.loaded else 0.0

    def problem(self, max_share: float) -> str | None:
        """Why this plan must not run without the operator's say-so, or None."""
        reasons = []
        if self.unreadable:
            reasons.append(
                f"{len(self.unreadable)} loaded report(s) cannot be read now (unreadable file or folder, "
                f"broken link): {_listed(self.unreadable)}"
            )
        if self.removed and self.share > max_share:
            reasons.append(
                f"{len(self.removed) + len(self.unreadable)} of {len(self.loaded)} loaded reports "
                f"({self.share:.0%}) would be removed, more than the {max_share:.0%} allowed: "
                f"{_listed(self.removed)}"
            )
        return "; ".join(reasons) or None


def _listed(keys: list[str]) -> str:
    shown = ", ".join(keys[:_LISTED])
    return shown + (f", … ({len(keys) - _LISTED} more)" if len(keys) > _LISTED else "")


def plan_removal(loaded: Iterable[str], present: Iterable[str], unreadable: Iterable[str] = ()) -> RemovalPlan:
    """Which ``loaded`` partitions are not ``present`` any more, told apart from those ``unreadable``."""
    loaded, present, unreadable = set(loaded), set(present), set(unreadable) & set(loaded)
    return RemovalPlan(
        loaded=loaded,
        removed=sorted(loaded - present - unreadable),
        unreadable=sorted(unreadable),
    )


def check_removal(plan: RemovalPlan, max_share: float, allow: bool) -> None:
    """Raise :class:`RemovalRefused` when ``plan`` needs the operator's say-so and ``allow`` is False."""
    problem = plan.problem(max_share)
    if problem and not allow:
        raise RemovalRefused(
            f"refusing to change the warehouse: {problem}. Nothing was changed. If this is meant, run "
            f"again with --allow-removal (or {ALLOW_REMOVAL_ENV}=1, the allow_removal setting, or the run "
            f"tag {ALLOW_REMOVAL_TAG}=true); check the reports folder otherwise"
        )


def allow_removal_from_env() -> bool:
    """``GOVREPORT_ALLOW_REMOVAL`` set to 1/true/yes."""
    return os.environ.get(ALLOW_REMOVAL_ENV, "").strip().lower() in ("1", "true", "yes")


def max_share_from_env() -> float:
    """``GOVREPORT_MAX_REMOVAL_SHARE`` (0..1), default 0.2."""
    raw = os.environ.get(MAX_REMOVAL_SHARE_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_REMOVAL_SHARE
    value = float(raw)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{MAX_REMOVAL_SHARE_ENV} must be between 0 and 1, not {raw}")
    return value


def loaded_report_keys(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Partition keys whose report is loaded in ``raw`` (empty when the warehouse has no raw tables yet)."""
    try:
        rows = con.execute("SELECT partition_key FROM raw.load_state WHERE status = 'loaded'").fetchall()
    except duckdb.CatalogException:
        return set()
    return {r[0] for r in rows}


def read_loaded_keys(warehouse: Path) -> set[str]:
    """:func:`loaded_report_keys` of a warehouse file, opened read-only (empty when it does not exist)."""
    warehouse = Path(warehouse)
    if not warehouse.exists():
        return set()
    from pipelines.warehouse.publish import connect_read_only

    con = connect_read_only(warehouse)
    try:
        return loaded_report_keys(con)
    finally:
        con.close()


@dataclass(frozen=True)
class RemovalPolicy:
    """How the loader guards removals: the allowed share, the operator's say-so, the unreadable folders.

    ``find_unreadable`` returns the partition-key prefixes that cannot be read now (``""`` = all; in a run, a
    walk of the reports folder); the loader calls it only when its plan removes loaded reports, since a load
    that removes nothing cannot lose a report to an unreadable folder (about 0.9 s of a one-report load at
    10,000 files).
    """

    max_share: float = DEFAULT_MAX_REMOVAL_SHARE
    allow: bool = False
    find_unreadable: Callable[[], Iterable[str]] | None = None

    def unreadable(self) -> tuple[str, ...]:
        """The prefixes ``find_unreadable`` finds now (none without it)."""
        return tuple(self.find_unreadable()) if self.find_unreadable is not None else ()


def under_prefixes(key: str, prefixes: Iterable[str]) -> bool:
    """True when partition ``key`` equals or lies under one of ``prefixes`` (``""`` covers every key)."""
    return any(p == "" or key == p or key.startswith(p + "/") for p in prefixes)
