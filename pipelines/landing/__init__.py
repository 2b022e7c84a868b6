"""Where a pipeline run's extracted partitions wait for the load: the landing store and the per-report work."""
