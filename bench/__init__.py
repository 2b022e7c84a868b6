"""Benchmarks of govreport (outside the installed package): ``python -m bench`` or ``govreport bench``."""
