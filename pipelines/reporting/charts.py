"""Charts of the marts: a region's targets against its actuals, and one indicator across regions.

Reads the warehouse (or, better, the published snapshot) read-only; draws with matplotlib's Agg
canvas (no pyplot state, no display, no network). Output is PNG or a self-contained HTML page
(inline SVG plus a data table). Labels are Chinese in every output: the font comes from
``pipelines.reporting.fonts`` (a system CJK font, else Noto Sans SC shipped by a dependency), and the
SVG of HTML pages carries its glyphs as paths, so no viewer needs a Chinese font either.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from pipelines.reporting import fonts
from pipelines.warehouse.publish import connect_read_only

MET_COLOUR = "#2e7d32"
UNMET_COLOUR = "#c62828"
UNKNOWN_COLOUR = "#9e9e9e"
TARGET_COLOUR = "#1565c0"

QUALIFIER_MARK = {
    "at_least": ">=",
    "at_most": "<=",
    "over": ">",
    "about": "~",
    "strive": "*",
    "expected": "e",
    "range": "",
    "exact": "",
}

class NoChartData(LookupError):
    """The marts hold no rows for the requested chart."""


@dataclass
class ChartResult:
    """The written chart file, the data points drawn (one dict per point, JSON-friendly) and the font used."""

    path: Path
    points: list[dict[str, Any]] = field(default_factory=list)
    font_family: str | None = None


def cjk_font_family() -> str:
    """Family name of the font charts draw Chinese with (see ``pipelines.reporting.fonts.cjk_font``)."""
    return fonts.cjk_font().family


def target_vs_actual_chart(
    warehouse: Path, region: str, indicator_id: str, out: Path, *, measure: str | None = None
) -> ChartResult:
    """Chart a region's yearly targets (ranges as error bars) beside its actuals, coloured met/unmet.

    Reads ``fct_target_vs_actual`` (and ``dim_indicator`` for names); ``measure`` defaults to the
    indicator's default measure when present, else the most frequent one. ``out`` ends in ``.png``
    or ``.html``. Raises ``NoChartData`` when there is nothing to draw.
    """
    out = _check_out(out)
    con = connect_read_only(Path(warehouse))
    try:
        df = con.execute(
            """
            SELECT year, measure, unit, target_value, target_value_low, target_value_high, target_qualifier,
                   actual_value, actual_qualifier, gap, met, met_rule, target_report_id, actual_report_id
            FROM fct_target_vs_actual WHERE region = ? AND indicator_id = ? ORDER BY year
            """,
            [region, indicator_id],
        ).df()
        info = _indicator_info(con, indicator_id)
    finally:
        con.close()
    if df.empty:
        raise NoChartData(f"no fct_target_vs_actual rows for {region} / {indicator_id}")
    chosen = _choose_measure(df, measure or info.get("measure"))
    points = [_clean(row) for row in df[df["measure"] == chosen].to_dict("records")]
    unit = _first(p["unit"] for p in points)
    cjk = cjk_font_family()

    with matplotlib.rc_context(_rc(cjk)):
        fig = _figure()
        ax = fig.add_subplot()
        years = [p["year"] for p in points]
        for p in points:
            centre, low, high = _centre(p["target_value"], p["target_value_low"], p["target_value_high"])
            if centre is not None:
                err = (
                    [[max(0.0, centre - low)], [max(0.0, high - centre)]]
                    if low is not None and high is not None
                    else None
                )
                ax.errorbar(
                    [p["year"] - 0.12],
                    [centre],
                    yerr=err,
                    fmt="D",
                    color=TARGET_COLOUR,
                    capsize=5,
                    markerfacecolor="white",
                    markersize=8,
                )
                ax.annotate(
                    f"{QUALIFIER_MARK.get(p['target_qualifier'] or '', '')}{_range_text(p['target_value'], low, high)}",
                    (p["year"] - 0.12, centre),
                    textcoords="offset points",
                    xytext=(-8, 8),
                    ha="right",
                    fontsize=8,
                    color=TARGET_COLOUR,
                )
            if p["actual_value"] is not None:
                colour = {True: MET_COLOUR, False: UNMET_COLOUR}.get(p["met"], UNKNOWN_COLOUR)
                ax.plot([p["year"] + 0.12], [p["actual_value"]], "o", color=colour, markersize=9)
                ax.annotate(
                    _fmt(p["actual_value"]),
                    (p["year"] + 0.12, p["actual_value"]),
                    textcoords="offset points",
                    xytext=(8, -12),
                    fontsize=8,
                    color=colour,
                )
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_xlim(min(years) - 0.6, max(years) + 0.6)
        ax.set_xlabel("年份 year")
        ax.set_ylabel(f"{chosen} ({unit})" if unit else chosen)
        name = info.get("name_zh")
        ax.set_title(f"{region} {name or indicator_id}: 目标 vs 实际")
        _legend(ax)
        ax.grid(axis="y", alpha=0.3)

        title = f"{region} · {name or indicator_id}（{indicator_id}）目标与实际"
        columns = [
            ("year", "年份 year"),
            ("target", "目标 target"),
            ("target_qualifier", "目标限定 qualifier"),
            ("actual_value", "实际 actual"),
            ("actual_qualifier", "实际限定"),
            ("gap", "差距 gap"),
            ("met", "是否完成 met"),
            ("met_rule", "判定规则 rule"),
            ("unit", "单位 unit"),
            ("target_report_id", "目标来源 target report"),
            ("actual_report_id", "实际来源 actual report"),
        ]
        rows = [
            {**p, "target": _range_text(p["target_value"], p["target_value_low"], p["target_value_high"])}
            for p in points
        ]
        _save(fig, out, title, columns, rows)
    return ChartResult(path=out, points=points, font_family=cjk)


def cross_region_chart(
    warehouse: Path,
    indicator_id: str,
    year: int,
    out: Path,
    *,
    kind: str = "target",
    region_level: str = "province",
    measure: str | None = None,
) -> ChartResult:
    """Chart one indicator's values across regions of one level for one year, ranked, ranges as bars.

    Reads ``fct_cross_region`` filtered by ``kind`` (``target`` / ``actual`` / ``plan_target``) and
    ``region_level``; ``measure`` defaults as in ``target_vs_actual_chart``. Points are in rank order.
    """
    out = _check_out(out)
    con = connect_read_only(Path(warehouse))
    try:
        df = con.execute(
            """
            SELECT region, measure, value, value_low, value_high, qualifier, unit, rank_in_level, regions_in_level
            FROM fct_cross_region
            WHERE indicator_id = ? AND year = ? AND kind = ? AND region_level = ?
            ORDER BY rank_in_level NULLS LAST, value DESC NULLS LAST, region
            """,
            [indicator_id, year, kind, region_level],
        ).df()
        info = _indicator_info(con, indicator_id)
    finally:
        con.close()
    if df.empty:
        raise NoChartData(f"no fct_cross_region rows for {indicator_id} {kind} {year} ({region_level})")
    chosen = _choose_measure(df, measure or info.get("measure"))
    points = [_clean(row) for row in df[df["measure"] == chosen].to_dict("records")]
    cjk = cjk_font_family()
    for p in points:
        p["label"] = p["region"]
    unit = _first(p["unit"] for p in points)

    with matplotlib.rc_context(_rc(cjk)):
        fig = _figure(height=max(3.0, 0.38 * len(points) + 1.5))
        ax = fig.add_subplot()
        ys = list(range(len(points)))[::-1]  # rank 1 at the top
        for y, p in zip(ys, points, strict=True):
            centre, low, high = _centre(p["value"], p["value_low"], p["value_high"])
            if centre is None:
                continue
            ax.barh([y], [centre], color=TARGET_COLOUR if kind != "actual" else MET_COLOUR, alpha=0.75)
            if low is not None and high is not None and high > low:
                ax.errorbar(
                    [centre],
                    [y],
                    xerr=[[max(0.0, centre - low)], [max(0.0, high - centre)]],
                    fmt="none",
                    ecolor="black",
                    capsize=4,
                )
            mark = QUALIFIER_MARK.get(p["qualifier"] or "", "")
            ax.annotate(
                f"{mark}{_range_text(p['value'], p['value_low'], p['value_high'])}",
                (high if high is not None else centre, y),
                textcoords="offset points",
                xytext=(4, -3),
                fontsize=8,
            )
        ax.set_yticks(ys, [p["label"] for p in points])
        ax.set_xlabel(f"{chosen} ({unit})" if unit else chosen)
        name = info.get("name_zh")
        ax.set_title(f"{name or indicator_id} {year} {kind} ({region_level})")
        ax.grid(axis="x", alpha=0.3)

        title = f"{name or indicator_id}（{indicator_id}）{year} 年 {kind} · {region_level} 横向比较"
        columns = [
            ("rank_in_level", "排名 rank"),
            ("label", "图中标签 label"),
            ("region", "地区 region"),
            ("value_text", "数值 value"),
            ("qualifier", "限定 qualifier"),
            ("unit", "单位 unit"),
            ("regions_in_level", "同级地区数 regions"),
        ]
        rows = [{**p, "value_text": _range_text(p["value"], p["value_low"], p["value_high"])} for p in points]
        _save(fig, out, title, columns, rows)
    return ChartResult(path=out, points=points, font_family=cjk)


# --- helpers ---------------------------------------------------------------------------------


def _check_out(out: Path) -> Path:
    out = Path(out)
    if out.suffix.lower() not in (".png", ".html"):
        raise ValueError(f"chart output must end in .png or .html, got {out.name}")
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def _indicator_info(con: Any, indicator_id: str) -> dict[str, Any]:
    """name_zh / measure / default_unit from dim_indicator, or {} when the dim is absent."""
    try:
        row = con.execute(
            "SELECT name_zh, measure, default_unit FROM dim_indicator WHERE indicator_id = ?", [indicator_id]
        ).fetchone()
    except Exception:  # noqa: BLE001 - the dim is optional for charting
        return {}
    return dict(zip(("name_zh", "measure", "default_unit"), row, strict=True)) if row else {}


def _choose_measure(df: Any, preferred: str | None) -> str:
    measures = df["measure"].value_counts()
    if preferred in measures.index:
        return str(preferred)
    return str(measures.index[0])


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    """Turn pandas/numpy scalars and NaN/NA into plain Python values (None for missing)."""
    clean: dict[str, Any] = {}
    for key, value in row.items():
        if value is None or (not isinstance(value, str) and _isna(value)):
            clean[key] = None
        elif hasattr(value, "item"):
            clean[key] = value.item()
        else:
            clean[key] = value
    return clean


def _isna(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # array-likes are not missing scalars
        return False


def _first(values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def _centre(value: float | None, low: float | None, high: float | None) -> tuple[float | None, ...]:
    """The point to draw (the value, else the middle of the range) and the range ends."""
    if value is None and low is not None and high is not None:
        value = (low + high) / 2
    elif value is None:
        value = low if low is not None else high
    return value, low, high


def _fmt(value: Any) -> str:
    """5.0 -> '5', 4.6 -> '4.6', None -> ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是 yes" if value else "否 no"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _range_text(value: float | None, low: float | None, high: float | None) -> str:
    if low is not None and high is not None and low != high:
        return f"{_fmt(low)}-{_fmt(high)}"
    return _fmt(value if value is not None else low if low is not None else high)


def _rc(cjk: str) -> dict[str, Any]:
    """Matplotlib settings for one chart: the CJK font first (other fonts only as per-glyph fallback)."""
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [cjk, *matplotlib.rcParams["font.sans-serif"]],
        "axes.unicode_minus": False,
    }


def _figure(height: float = 4.5) -> Figure:
    return Figure(figsize=(8, height), dpi=100, layout="constrained")


def _legend(ax: Any) -> None:
    from matplotlib.lines import Line2D

    handles = [
        Line2D(
            [], [], marker="D", linestyle="none", color=TARGET_COLOUR, markerfacecolor="white", label="目标 target"
        ),
        Line2D([], [], marker="o", linestyle="none", color=MET_COLOUR, label="实际·完成 met"),
        Line2D([], [], marker="o", linestyle="none", color=UNMET_COLOUR, label="实际·未完成 not met"),
        Line2D([], [], marker="o", linestyle="none", color=UNKNOWN_COLOUR, label="实际·待判定 no verdict"),
    ]
    ax.legend(handles=handles, loc="best", fontsize=8)


def _save(
    fig: Figure, out: Path, title: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]]
) -> None:
    """Write the figure as PNG, or as one HTML file with an inline SVG and the data table."""
    tmp = out.with_name(f".{out.name}.tmp")
    if out.suffix.lower() == ".png":
        fig.savefig(tmp, format="png")
    else:
        tmp.write_text(_html(fig, title, columns, rows), encoding="utf-8")
    tmp.replace(out)


def _html(fig: Figure, title: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "govreport"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    svg = svg[svg.find("<svg") :]
    head = "".join(f"<th>{html.escape(label)}</th>" for _key, label in columns)
    body = "\n".join(
        "<tr>"
        + "".join(f'<td data-col="{key}">{html.escape(_fmt(row.get(key)))}</td>' for key, _l in columns)
        + "</tr>"
        for row in rows
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:1.5em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:3px 8px;text-align:right}}th{{background:#f3f3f3}}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<figure>{svg}</figure>
<table>
<thead><tr>{head}</tr></thead>
<tbody>
{body}
</tbody>
</table>
</body>
</html>
"""
