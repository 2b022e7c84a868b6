"""Asset checks on the warehouse (filled in by the production-readiness work)."""

ASSET_CHECKS: list = []
