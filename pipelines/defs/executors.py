"""Which executor runs the jobs' steps: configuration (environment variables), not code.

``GOVREPORT_EXECUTOR`` names one of Dagster's own executors:

* unset or empty: Dagster's default (``multi_or_in_process_executor``: a process per step for runs
  launched by the UI, the sensor or the schedule), what the jobs always had;
* ``in_process``: every step in the run's process;
* ``multiprocess``: a process per step on this machine;
* ``celery``: dagster-celery's executor (the ``cluster`` extra): each step is a Celery task on the
  broker ``GOVREPORT_CELERY_BROKER`` (e.g. ``redis://localhost:6379/0``), its result on
  ``GOVREPORT_CELERY_BACKEND`` (default: the broker), run by whichever worker takes it. Workers run
  the app of :mod:`pipelines.defs.celery_worker`, which reads the same two variables.

``govreport run`` always runs in its own process (``execute_in_process``), whatever this says.
"""

from __future__ import annotations

import os

import dagster as dg

EXECUTOR_ENV = "GOVREPORT_EXECUTOR"
CELERY_BROKER_ENV = "GOVREPORT_CELERY_BROKER"
CELERY_BACKEND_ENV = "GOVREPORT_CELERY_BACKEND"
EXECUTORS = ("in_process", "multiprocess", "celery")


def executor_from_env() -> dg.ExecutorDefinition | None:
    """The executor ``GOVREPORT_EXECUTOR`` names, or ``None`` (Dagster's default) when it is unset or empty."""
    name = os.environ.get(EXECUTOR_ENV, "").strip().lower().replace("-", "_")
    if not name:
        return None
    if name == "in_process":
        return dg.in_process_executor
    if name == "multiprocess":
        return dg.multiprocess_executor
    if name == "celery":
        try:
            from dagster_celery import celery_executor
        except ImportError as err:
            raise ImportError(f"{EXECUTOR_ENV}=celery needs dagster-celery: pip install 'govreport[cluster]'") from err
        broker, backend = celery_urls()  # checked now; the config names the variables, so no URL shows in the UI
        backend_env = CELERY_BACKEND_ENV if backend != broker else CELERY_BROKER_ENV
        return celery_executor.configured({"broker": {"env": CELERY_BROKER_ENV}, "backend": {"env": backend_env}},
                                          name="celery")
    raise ValueError(f"{EXECUTOR_ENV}={os.environ[EXECUTOR_ENV]!r}: expected one of {', '.join(EXECUTORS)} "
                     "(or unset for Dagster's default)")


def celery_urls() -> tuple[str, str]:
    """``(broker, result backend)`` of the Celery executor and its workers, from ``GOVREPORT_CELERY_*``."""
    broker = os.environ.get(CELERY_BROKER_ENV, "").strip()
    if not broker:
        raise ValueError(f"{EXECUTOR_ENV}=celery needs {CELERY_BROKER_ENV}, the broker's URL "
                         "(e.g. redis://localhost:6379/0)")
    return broker, os.environ.get(CELERY_BACKEND_ENV, "").strip() or broker
