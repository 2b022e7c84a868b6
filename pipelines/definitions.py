"""The one Dagster ``Definitions`` object (loaded by ``workspace.yaml`` and by ``dagster dev``)."""

import dagster as dg

from pipelines.defs.automation import REPORT_JOB
from pipelines.defs.build import build_definitions

defs = build_definitions()


def process_reports_job() -> dg.JobDefinition:
    """The partitioned job of :data:`defs`, as a target for ``dg.reconstructable``: ``dg.execute_job`` runs it
    from Python on the executor ``GOVREPORT_EXECUTOR`` names, which may run its steps in other processes."""
    return defs.resolve_job_def(REPORT_JOB)
