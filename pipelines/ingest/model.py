"""Records produced by ingestion: a readable report, or a file set aside with its reason."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

LEVELS = ("national", "province", "city", "county")


@dataclass
class ReportDocument:
    """A report file decoded, normalised and attributed to a region, level and year.

    ``text`` is the normalised text; fact offsets always refer to it.
    ``report_id`` is ``<level>/<region>/<year>``.
    """

    report_id: str
    region: str
    region_level: str
    report_year: int
    source_path: str
    source_format: str  # txt | html | pdf | docx
    encoding: str
    content_sha256: str  # hash of the normalised text (duplicate detection)
    size_bytes: int
    title: str | None
    text: str
    attribution: str  # "path" or "text" (where region/level/year came from)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Return a plain dict of the record."""
        return asdict(self)


@dataclass
class QuarantineRecord:
    """A file that was not loaded (or loaded with a warning), and why.

    ``severity`` is ``rejected`` (not loaded), ``duplicate`` (same content as ``duplicate_of``)
    or ``warning`` (loaded, but something is off, e.g. the text looks truncated).
    """

    source_path: str
    reason_code: str  # empty_file | binary | undecodable | not_a_report | unattributed | truncated | fragment | duplicate | parse_error
    reason: str  # human-readable explanation
    severity: str
    detected_encoding: str | None
    size_bytes: int
    first_chars: str
    duplicate_of: str | None = None

    def to_dict(self) -> dict:
        """Return a plain dict of the record."""
        return asdict(self)


@dataclass
class IngestOutcome:
    """What reading one file produced: a document (possibly with warnings) and/or quarantine records.

    ``document`` is None when the file was rejected; ``issues`` then holds the reason.
    A loaded document may still carry ``warning`` records (e.g. truncated text).
    """

    source_path: str
    document: ReportDocument | None
    issues: list[QuarantineRecord] = field(default_factory=list)
