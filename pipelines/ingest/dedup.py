"""Duplicate reports: the same normalised content under different file names or encodings."""

from __future__ import annotations

from .model import ReportDocument


def find_duplicates(docs: list[ReportDocument]) -> dict[str, str]:
    """Map each duplicate's ``source_path`` to the first ``source_path`` (sorted) with the same hash.

    Documents are compared by ``content_sha256`` (normalised text, whitespace removed), so line
    endings, encodings and file formats do not matter. The first path of each group is not a key.
    """
    first_by_hash: dict[str, str] = {}
    duplicates: dict[str, str] = {}
    for doc in sorted(docs, key=lambda d: d.source_path):
        first = first_by_hash.setdefault(doc.content_sha256, doc.source_path)
        if first != doc.source_path:
            duplicates[doc.source_path] = first
    return duplicates
