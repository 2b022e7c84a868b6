"""Reporting: what analysts take out of the warehouse (exports, region codes, chart fonts)."""
