"""Office and PDF documents -> text: PDF text layer via pypdf, ``.docx`` via python-docx."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from .decode import IngestError
from .report_check import non_ws_len


@dataclass
class DocumentText:
    """Text of a binary document and its title from the document properties, if any."""

    text: str
    title: str | None


def pdf_to_text(data: bytes) -> DocumentText:
    """Extract the text layer of a PDF, page by page (pages joined by a newline).

    Raises :class:`IngestError` ``no_text_layer`` when the pages hold (almost) no text, e.g. a
    scanned report without OCR, and ``parse_error`` when pypdf cannot read the file.
    """
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:  # noqa: BLE001 - report any decryption failure
                raise IngestError("parse_error", f"encrypted PDF that cannot be opened: {exc}") from exc
        pages = [(page.extract_text() or "") for page in reader.pages]
        meta = reader.metadata
        title = str(meta.title).strip() if meta is not None and meta.title else None
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes a quarantine reason
        raise IngestError("parse_error", f"PDF could not be parsed: {type(exc).__name__}: {exc}") from exc
    text = "\n".join(pages)
    chars = non_ws_len(text)
    if chars < max(20, 5 * len(pages)):
        raise IngestError(
            "no_text_layer",
            f"PDF has {len(pages)} page(s) but only {chars} text characters: no text layer "
            "(scanned image?); run OCR first",
        )
    return DocumentText(text=text, title=title or None)


def docx_to_text(data: bytes) -> DocumentText:
    """Extract paragraphs and table cells (in document order) from a ``.docx`` file.

    Raises :class:`IngestError` ``parse_error`` when python-docx cannot read the file.
    """
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, Table):
                for row in block.rows:
                    cells: list[str] = []
                    for cell in row.cells:
                        if not cells or cells[-1] != cell.text:  # merged cells repeat
                            cells.append(cell.text)
                    lines.append("\t".join(cells))
        title = (document.core_properties.title or "").strip() or None
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes a quarantine reason
        raise IngestError("parse_error", f".docx could not be parsed: {type(exc).__name__}: {exc}") from exc
    return DocumentText(text="\n".join(lines), title=title)
