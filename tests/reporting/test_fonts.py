"""Charts speak Chinese: the font comes from font_manager (system, else the packaged Noto Sans SC) and
every label renders without a missing glyph."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextPath

from pipelines.reporting import charts, fonts

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _render(fn, *args, **kwargs):
    """Run a chart function with every warning an error and matplotlib's log captured."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("matplotlib")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "Glyph ... missing from font(s)" becomes a failure
            result = fn(*args, **kwargs)
    finally:
        logger.removeHandler(handler)
    assert [r.getMessage() for r in records if r.levelno >= logging.WARNING] == []
    return result


def test_cross_region_chart_draws_chinese_region_names(reporting_warehouse: Path, tmp_path: Path):
    out = tmp_path / "provinces.png"
    result = _render(charts.cross_region_chart, reporting_warehouse, "gdp_growth", 2026, out)
    font = fonts.cjk_font()
    assert out.read_bytes()[:8] == PNG_MAGIC
    assert result.font_family == font.family
    assert [p["label"] for p in result.points] == ["浙江省", "江苏省", "广东省"]  # 5–5.5 ranks by 5.25
    text = "".join(p["label"] for p in result.points) + "地区生产总值增速 2026 target (province)"
    assert fonts.missing_glyphs(font.path, text) == ""
    # the family name resolves to that very file (not to matplotlib's DejaVu fallback) ...
    resolved = font_manager.findfont(FontProperties(family=[font.family]), fallback_to_default=False)
    assert Path(resolved).resolve() == font.path.resolve()
    # ... and each name has real outlines in it
    for label in result.points:
        assert len(TextPath((0, 0), label["label"], prop=FontProperties(fname=str(font.path))).vertices) > 50


def test_city_and_county_names_render(reporting_warehouse: Path, tmp_path: Path):
    cities = _render(charts.cross_region_chart, reporting_warehouse, "gdp_growth", 2026, tmp_path / "c.png",
                     region_level="city")
    assert [p["label"] for p in cities.points] == ["苏州市", "南京市"]
    trend = _render(charts.target_vs_actual_chart, reporting_warehouse, "南京市", "gdp_growth", tmp_path / "t.png")
    assert trend.font_family == fonts.cjk_font().family
    assert fonts.missing_glyphs(fonts.cjk_font().path, "呼伦贝尔市海拉尔区 嵊州市 鄂尔多斯市 目标 vs 实际") == ""


def test_html_chart_carries_glyph_outlines(reporting_warehouse: Path, tmp_path: Path):
    out = tmp_path / "provinces.html"
    _render(charts.cross_region_chart, reporting_warehouse, "gdp_growth", 2026, out)
    page = out.read_text(encoding="utf-8")
    svg = page[page.index("<svg"): page.index("</svg>")]
    assert "<text" not in svg and "<path" in svg  # drawn as outlines: the viewer needs no Chinese font
    assert "江苏省" in page  # and the data table keeps the names as text


def test_a_system_cjk_font_is_preferred(monkeypatch: pytest.MonkeyPatch):
    packaged = fonts._packaged_font()
    assert packaged is not None and packaged.source == "package" and packaged.family == "Noto Sans SC"
    # pretend the same file is an installed "Noto Sans CJK SC": font_manager's list is searched first
    entry = font_manager.FontEntry(fname=str(packaged.path), name="Noto Sans CJK SC", style="normal",
                                   weight=400)
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [*font_manager.fontManager.ttflist, entry])
    found = fonts._system_font()
    assert found is not None and (found.family, found.source) == ("Noto Sans CJK SC", "system")


def test_font_override_must_draw_chinese(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    fonts.cjk_font.cache_clear()
    try:
        dejavu = font_manager.findfont(FontProperties(family=["DejaVu Sans"]))
        monkeypatch.setenv(fonts.FONT_ENV, dejavu)
        with pytest.raises(fonts.NoCjkFont, match="Chinese glyphs"):
            fonts.cjk_font()
        monkeypatch.setenv(fonts.FONT_ENV, str(fonts._packaged_font().path))
        assert fonts.cjk_font().source == "env"
    finally:
        monkeypatch.delenv(fonts.FONT_ENV, raising=False)
        fonts.cjk_font.cache_clear()
