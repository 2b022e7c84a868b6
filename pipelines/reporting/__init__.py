"""Outputs for people: the review page (and, later, charts and exports)."""
