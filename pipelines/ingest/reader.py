"""Reading one report file: bytes -> decoded, extracted, normalised, attributed, checked."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from pipelines.domain.script import to_simplified

from .attribution import (
    Attribution,
    attribute_from_path,
    attribute_from_text,
    attribution_conflict,
    level_for_region,
)
from .decode import IngestError, decode_bytes
from .documents import docx_to_text, pdf_to_text
from .html import html_to_text, looks_like_html
from .model import LEVELS, IngestOutcome, QuarantineRecord, ReportDocument
from .normalise import normalise_text, squeeze_whitespace
from .report_check import report_check, truncation_reason

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ONE_LINE = re.compile(r"\s+")


def content_hash(text: str) -> str:
    """sha256 of the normalised text with all whitespace removed (duplicate detection)."""
    return hashlib.sha256(squeeze_whitespace(text).encode("utf-8")).hexdigest()


def _first_chars(text: str) -> str:
    return _ONE_LINE.sub(" ", text[:400]).strip()[:80]


def _sniff_format(data: bytes, suffix: str) -> str:
    head = data[:1024]
    if head.lstrip().startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in head):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if suffix == ".pdf":
        return "pdf"
    if suffix == ".docx":
        return "docx"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    return "text"


class _Rejected(Exception):
    def __init__(self, error: IngestError, first_chars: str):
        super().__init__(error.reason)
        self.error = error
        self.first_chars = first_chars


def read_report(
    path: Path,
    root: Path | None = None,
    *,
    region: str | None = None,
    region_level: str | None = None,
    report_year: int | None = None,
    data: bytes | None = None,
) -> IngestOutcome:
    """Read one report file into a :class:`ReportDocument`, or a quarantine record saying why not.

    Never raises for bad input. Attribution: hints (``region``, ``region_level``, ``report_year``)
    override the path convention ``<level>/<region>/<year>.<ext>`` under ``root``, which overrides
    what is read from the text. A rejected file has ``document=None`` and one ``rejected`` issue
    (reason codes ``empty_file``, ``binary``, ``undecodable``, ``parse_error``, ``no_text_layer``,
    ``not_a_report``, ``unattributed``, ``attribution_conflict``, ``unreadable``,
    ``outside_reports_folder``); a loaded document may carry ``warning`` issues
    (``truncated``). ``data``: the file's bytes when the caller has read them already.
    """
    path = Path(path)
    source_path = str(path)
    size = 0
    encoding: str | None = None
    outside = _outside_root(path, root)
    if outside:
        return _reject(source_path, IngestError("outside_reports_folder", outside), 0, "")
    try:
        try:
            data = path.read_bytes() if data is None else data
        except OSError as exc:
            raise IngestError("unreadable", f"cannot read the file: {exc.strerror or exc}") from exc
        size = len(data)
        return _read(path, root, data, region, region_level, report_year)
    except _Rejected as rej:
        return _reject(source_path, rej.error, size, rej.first_chars)
    except IngestError as err:
        return _reject(source_path, err, size, "")
    except Exception as exc:  # noqa: BLE001 - read_report never raises for bad input
        err = IngestError("parse_error", f"{type(exc).__name__}: {exc}", encoding)
        return _reject(source_path, err, size, "")


def _outside_root(path: Path, root: Path | None) -> str | None:
    """Why ``path`` may not be read (a symlink leading out of ``root``), or None. Reads nothing."""
    if root is None:
        return None
    real, real_root = os.path.realpath(path), os.path.realpath(root)
    if real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep):
        return None
    return "a symbolic link that leads outside the reports folder; not read (link a file inside the folder instead)"


def _reject(source_path: str, err: IngestError, size: int, first_chars: str) -> IngestOutcome:
    record = QuarantineRecord(
        source_path=source_path,
        reason_code=err.reason_code,
        reason=err.reason,
        severity="rejected",
        detected_encoding=err.encoding,
        size_bytes=size,
        first_chars=first_chars,
    )
    return IngestOutcome(source_path=source_path, document=None, issues=[record])


def _read(
    path: Path,
    root: Path | None,
    data: bytes,
    region: str | None,
    region_level: str | None,
    report_year: int | None,
) -> IngestOutcome:
    source_path = str(path)
    binary_preview = repr(data[:60])[:80]
    if not data.strip():
        raise _Rejected(IngestError("empty_file", f"the file is empty ({len(data)} bytes, no text)"), "")
    fmt = _sniff_format(data, path.suffix.lower())
    hints: list[str] = []
    title: str | None = None
    warnings: list[str] = []
    if fmt == "ole":
        raise _Rejected(
            IngestError(
                "binary", "legacy binary Office file (.doc/.xls/.wps); save it as .docx, PDF or text"
            ),
            binary_preview,
        )
    if fmt in ("pdf", "docx"):
        try:
            extracted = pdf_to_text(data) if fmt == "pdf" else docx_to_text(data)
        except IngestError as err:
            raise _Rejected(err, binary_preview) from err
        raw, encoding, title = extracted.text, fmt, extracted.title
        if title:
            hints.append(title)
    else:
        try:
            decoded = decode_bytes(data)
        except IngestError as err:
            raise _Rejected(err, binary_preview if err.reason_code == "binary" else "") from err
        raw, encoding = decoded.text, decoded.encoding
        warnings.extend(decoded.warnings)
        fmt = "txt"
        if path.suffix.lower() in (".html", ".htm") or looks_like_html(raw):
            try:
                page = html_to_text(raw)
            except Exception as exc:  # noqa: BLE001
                err = IngestError(
                    "parse_error", f"HTML could not be parsed: {type(exc).__name__}: {exc}", encoding
                )
                raise _Rejected(err, _first_chars(raw)) from exc
            raw, title, fmt = page.text, page.title, "html"
            hints.extend(page.hints)
    text = normalise_text(raw)
    first = _first_chars(text) if text.strip() else _first_chars(raw)
    if not text.strip():
        raise _Rejected(IngestError("empty_file", f"no text in the {fmt} file", encoding), first)

    attr = attribute_from_text(text, hints)
    level, reg, year, source = _attribute(path, root, attr, region, region_level, report_year)
    if source == "path" and reg is not None and year is not None:
        conflict = attribution_conflict(reg, int(year), attr, level)
        if conflict:
            msg = (
                f"the path <level>/<region>/<year> and the text disagree ({conflict}); not loaded under either "
                "reading: move the file to the path the text names, or fix the file"
            )
            raise _Rejected(IngestError("attribution_conflict", msg, encoding), first)
    attributed = source != "text" and None not in (level, reg, year)
    reason, fragment = report_check(text, hints, attributed=attributed)
    if reason:
        raise _Rejected(IngestError("not_a_report", reason, encoding), first)
    missing = [n for n, v in (("region", reg), ("region_level", level), ("report_year", year)) if v is None]
    if missing or level not in LEVELS:
        what = (
            ", ".join(missing) if missing else f"region_level {level!r} (expected one of {', '.join(LEVELS)})"
        )
        msg = (
            f"cannot determine {what} from the path (<level>/<region>/<year>.<ext>) or the text; "
            "put the file under <level>/<region>/<year> or pass hints"
        )
        raise _Rejected(IngestError("unattributed", msg, encoding), first)
    if attr.traditional:
        warnings.append("traditional_script")

    issues: list[QuarantineRecord] = []
    for code, reason in (("fragment", fragment), ("truncated", truncation_reason(text))):
        if reason:  # loaded, with a warning row in ingest_quarantine
            warnings.append(code)
            issues.append(
                QuarantineRecord(
                    source_path=source_path,
                    reason_code=code,
                    reason=reason,
                    severity="warning",
                    detected_encoding=encoding,
                    size_bytes=len(data),
                    first_chars=first,
                )
            )
    doc = ReportDocument(
        report_id=f"{level}/{reg}/{year}",
        region=reg,
        region_level=level,
        report_year=int(year),
        source_path=source_path,
        source_format=fmt,
        encoding=encoding,
        content_sha256=content_hash(text),
        size_bytes=len(data),
        title=title or attr.title,
        text=text,
        attribution=source,
        warnings=warnings,
    )
    return IngestOutcome(source_path=source_path, document=doc, issues=issues)


def _attribute(
    path: Path,
    root: Path | None,
    attr: Attribution,
    region: str | None,
    region_level: str | None,
    report_year: int | None,
) -> tuple[str | None, str | None, int | None, str]:
    """Combine hints > path convention > text; returns (level, region, year, attribution label)."""
    from_path = attribute_from_path(path, root)
    if from_path:
        level, reg, year = from_path
        source = "path"
    else:
        level, reg, year = attr.region_level, attr.region, attr.report_year
        source = "text"
    if region:
        region = to_simplified(region.strip()) if attr.traditional else region.strip()
        if region != reg:
            level = None  # the level must fit the hinted region
        reg = region
    if region_level:
        level = region_level
    if level is None and reg:
        level = level_for_region(reg) or (attr.region_level if attr.region == reg else None)
    if report_year is not None:
        year = int(report_year)
    if region or region_level or report_year is not None:
        source = "hint" if (region and report_year is not None) else f"{source}+hint"
    return level, reg, year, source
