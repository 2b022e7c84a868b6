"""The one Dagster ``Definitions`` object (loaded by ``workspace.yaml`` and by ``dagster dev``)."""

from pipelines.defs.build import build_definitions

defs = build_definitions()
