"""Make docs/review.png: the review page of a published snapshot in headless Chromium, one row clicked.

    .venv/bin/python scripts/review_screenshot.py [PUBLISHED.duckdb] [--click FACT_ID] [--filter TEXT]

Needs Debian's chromium and a CJK font (fonts-wqy-microhei or fonts-noto-cjk) for legible text.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from pipelines import paths
from pipelines.reporting.headless import Browser
from pipelines.reporting.review import write_review


def main() -> None:
    """Render the page, click a row (default: the first corrected fact), save the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("published", nargs="?", type=Path, default=paths.published_path())
    parser.add_argument("--click", help="fact_id of the row to click (default: the first corrected fact)")
    parser.add_argument("--filter", help="text typed into the filter box")
    parser.add_argument("--out", type=Path, default=paths.PROJECT_ROOT / "docs" / "review.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        page, _, _ = write_review(args.published, Path(tmp) / "review.html")
        with Browser(width=1400, height=860) as browser:
            browser.open(page)
            if args.filter:
                browser.evaluate(f"(function(){{var b=document.getElementById('filter'); b.value={json.dumps(args.filter)};"
                                 "b.dispatchEvent(new Event('input'));})()")
            target = args.click or browser.evaluate(
                "(document.querySelector('tr.s-corrected') || document.querySelector('tr[data-fact-id]')).dataset.factId")
            browser.click(f'tr[data-fact-id="{target}"]')
            browser.evaluate("window.scrollTo(0, 0)")
            browser.evaluate("new Promise(r => setTimeout(r, 400))")  # mid-flash
            shot = browser.screenshot(args.out)
    _shrink(shot)
    print(shot)


def _shrink(path: Path) -> None:
    """Re-save the PNG with a 256-colour palette (a third of the size; text stays sharp)."""
    from PIL import Image  # Pillow comes with matplotlib

    image = Image.open(path).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)


if __name__ == "__main__":
    main()
