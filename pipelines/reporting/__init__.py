"""Reporting: what people take out of the warehouse (the review page, exports, region codes, chart fonts)."""
