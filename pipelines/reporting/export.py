"""``govreport export``: the facts, or the region × year panel, as CSV, Parquet, Stata .dta or Excel.

Two tables, read from the published snapshot (read-only):

* **facts** (default): every row of ``fct_indicator_facts`` with the region's administrative division
  codes from ``dim_region`` (``admin_code``, ``admin_level``, ``parent_code``, ``province_code``).
* **wide** (``--wide``): ``fct_panel_values`` pivoted to one row per region and year, one column per
  indicator × kind × measure holding the whole-region value in the indicator's standard unit (a range
  target by its midpoint). Column names are ASCII, at most 32 characters (Stata's limit) and
  deterministic: ``<indicator_id>_<kind>_<measure>`` with the abbreviations in ``KIND_ABBREV`` and
  ``MEASURE_ABBREV`` (``gdp_growth_t_gr`` = gdp_growth, target, growth_rate); a name that would be longer
  keeps the first characters of the indicator id and ends in 4 hex digits of the SHA-1 of the full name
  (``urban_per_capita_disposable_9f3a_a_gr``-style). Values of one indicator × kind × measure in a unit
  other than the indicator's standard unit (the extractor could not convert 亿美元 to 亿元, 户 to 家) never
  share its column: they go to a column of their own, ending in ``_u`` and 3 hex digits of the unit's
  SHA-1 (``foreign_trade_total_a_lv_u1c5``), labelled with that unit. Each column's label (Chinese indicator name, kind,
  measure and unit, at most 80 characters) is a Stata variable label, a row of the ``variables`` sheet in
  Excel, and of ``<out>.variables.csv`` beside CSV/Parquet output.

Formats: ``csv`` (UTF-8 with BOM, so Excel opens Chinese text), ``parquet``, ``dta`` (Stata 118, UTF-8,
variable labels; Stata has no missing string, so a missing text reads back as an empty string),
``xlsx`` (data sheet, ``variables`` sheet, and a ``provenance`` sheet holding each value's quote,
report and fact id; control characters Excel cannot store are dropped from text). ``read_export`` reads any of them back with the same values and types.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines.warehouse.publish import connect_read_only

FORMATS = ("csv", "parquet", "dta", "xlsx")

KIND_ABBREV = {"actual": "a", "target": "t", "plan_target": "p"}
KIND_ZH = {"actual": "实际", "target": "目标", "plan_target": "规划目标"}
MEASURE_ABBREV = {
    "level": "lv",
    "growth_rate": "gr",
    "share": "sh",
    "count": "n",
    "ratio": "r",
    "change_pp": "pp",
    "increment": "inc",
    "avg_growth_rate": "agr",
    "cumulative_growth_rate": "cgr",
    "cumulative_level": "clv",
}
MEASURE_ZH = {
    "level": "总量",
    "growth_rate": "增速",
    "share": "占比",
    "count": "数量",
    "ratio": "比率",
    "change_pp": "变动(百分点)",
    "increment": "新增",
    "avg_growth_rate": "年均增速",
    "cumulative_growth_rate": "累计增长",
    "cumulative_level": "累计总量",
}
STATA_NAME_MAX = 32
STATA_LABEL_MAX = 80

# Column -> logical type, for writing and for reading back. "str" | "int" | "float" | "bool".
# The region columns every export starts with, and their labels.
REGION_COLUMNS: dict[str, str] = {
    "region": "str",
    "admin_code": "str",
    "region_level": "str",
    "admin_level": "str",
    "parent_code": "str",
    "province_code": "str",
}
REGION_LABELS = {
    "region": "地区 region",
    "admin_code": "行政区划代码 administrative division code (GB/T 2260)",
    "region_level": "报告层级 report level",
    "admin_level": "行政级别 administrative level",
    "parent_code": "上级行政区划代码 parent code",
    "province_code": "省级行政区划代码 province code",
}
FACT_COLUMNS: dict[str, str] = {
    "fact_id": "str",
    **REGION_COLUMNS,
    "report_id": "str",
    "report_year": "int",
    "indicator_id": "str",
    "indicator_name_zh": "str",
    "kind": "str",
    "period_year": "int",
    "measure": "str",
    "value": "float",
    "value_low": "float",
    "value_high": "float",
    "unit": "str",
    "value_std": "float",
    "unit_std": "str",
    "qualifier": "str",
    "is_headline": "bool",
    "subject": "str",
    "is_whole_region": "bool",
    "is_multi_year": "bool",
    "quote": "str",
    "char_start": "int",
    "char_end": "int",
    "section": "str",
    "extractor_version": "str",
}
FACT_LABELS = {
    "fact_id": "事实编号 fact id",
    **REGION_LABELS,
    "report_id": "报告 report id",
    "report_year": "报告年份 report year",
    "indicator_id": "指标编号 indicator id",
    "indicator_name_zh": "指标名称 indicator name",
    "kind": "类型 kind: actual / target / plan_target",
    "period_year": "所指年份 year the value describes",
    "measure": "度量 measure",
    "value": "数值(原文) value as written",
    "value_low": "区间下限(原文) range low as written",
    "value_high": "区间上限(原文) range high as written",
    "unit": "单位(原文) unit as written",
    "value_std": "标准单位数值 value in the standard unit",
    "unit_std": "标准单位 standard unit",
    "qualifier": "限定 qualifier (左右/以上/区间...)",
    "is_headline": "是否出自主要目标段落 headline paragraph",
    "subject": "局部主体(空=全地区) subject, empty = whole region",
    "is_whole_region": "是否全地区 whole region",
    "is_multi_year": "是否多年度 multi-year measure",
    "quote": "原文 quote",
    "char_start": "原文起始位置 quote start offset",
    "char_end": "原文结束位置 quote end offset",
    "section": "章节 section",
    "extractor_version": "抽取器版本 extractor version",
}
PANEL_KEYS: dict[str, str] = {
    **REGION_COLUMNS,
    "year": "int",
}
KEY_LABELS = {
    **REGION_LABELS,
    "year": "年份 year the value describes",
}
PROVENANCE_COLUMNS: dict[str, str] = {
    "region": "str",
    "admin_code": "str",
    "year": "int",
    "variable": "str",
    "value": "float",
    "value_low": "float",
    "value_high": "float",
    "unit": "str",
    "qualifier": "str",
    "report_id": "str",
    "fact_id": "str",
    "quote": "str",
}


class ExportError(ValueError):
    """The export cannot be written (missing warehouse or table, unknown format, nothing to export)."""


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the file, its row and column counts, and the table exported."""

    path: Path
    rows: int
    columns: int
    table: str


@dataclass(frozen=True)
class Variable:
    """One column of the wide panel: its name, label and what it holds."""

    name: str
    label: str
    indicator_id: str
    kind: str
    measure: str
    unit: str


def variable_name(indicator_id: str, kind: str, measure: str, other_unit: str | None = None) -> str:
    """The wide panel's column name for indicator × kind × measure (× a non-standard unit): ASCII, ≤ 32, stable."""
    suffix = f"_{KIND_ABBREV.get(kind, kind)}_{MEASURE_ABBREV.get(measure, measure)}"
    if other_unit is not None:
        suffix += "_u" + hashlib.sha1(other_unit.encode("utf-8")).hexdigest()[:3]
    name = f"{indicator_id}{suffix}"
    if len(name) <= STATA_NAME_MAX:
        return name
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:4]
    keep = STATA_NAME_MAX - len(suffix) - len(digest) - 1
    return f"{indicator_id[:keep]}_{digest}{suffix}"


def variable_label(
    name_zh: str | None, indicator_id: str, kind: str, measure: str, unit: str | None,
    default_measure: str | None = None,
) -> str:
    """Chinese label of a wide column: 地区生产总值增速 目标 (%) [gdp_growth], cut to 80 characters.

    The measure is named only when it is not the indicator's own (地区生产总值 实际 增速 (%) [gdp]).
    """
    unit_text = f" ({unit})" if unit else ""
    measure_text = "" if measure == default_measure else f" {MEASURE_ZH.get(measure, measure)}"
    label = f"{name_zh or indicator_id} {KIND_ZH.get(kind, kind)}{measure_text}{unit_text}"
    tagged = f"{label} [{indicator_id}]"
    return (tagged if len(tagged) <= STATA_LABEL_MAX else label)[:STATA_LABEL_MAX]


def load_facts(warehouse: Path) -> pd.DataFrame:
    """Every fact with its region's codes, ordered by region, report, offset."""
    columns = ", ".join(f"d.{c}" if c in ("admin_code", "admin_level", "parent_code", "province_code") else f"f.{c}"
                        for c in FACT_COLUMNS)
    sql = (
        f"SELECT {columns} FROM fct_indicator_facts AS f LEFT JOIN dim_region AS d ON d.region = f.region "
        "ORDER BY f.region, f.report_id, f.char_start, f.fact_id"
    )
    return _typed(_query(warehouse, sql), FACT_COLUMNS)


def load_panel_values(warehouse: Path) -> pd.DataFrame:
    """``fct_panel_values``: the long panel the wide one is pivoted from."""
    return _query(warehouse, "SELECT * FROM fct_panel_values ORDER BY region, year, indicator_id, kind, measure")


def wide_panel(values: pd.DataFrame) -> tuple[pd.DataFrame, list[Variable], pd.DataFrame]:
    """Pivot the long panel values: (one row per region × year, the variables in column order, provenance)."""
    if values.empty:
        raise ExportError("fct_panel_values is empty: nothing to export")
    values = values.copy()
    units = values["unit"].fillna("")
    default = values["indicator_default_unit"].fillna("") if "indicator_default_unit" in values else units
    unit_count = units.groupby([values["indicator_id"], values["kind"], values["measure"]]).transform("nunique")
    other = [None if n == 1 or u == d else u for n, u, d in zip(unit_count, units, default, strict=True)]
    values["variable"] = [
        variable_name(i, k, m, o)
        for i, k, m, o in zip(values["indicator_id"], values["kind"], values["measure"], other, strict=True)
    ]
    specs = (
        values.sort_values(["indicator_id", "kind", "measure", "variable"])
        .drop_duplicates("variable")
    )
    if "indicator_default_measure" not in specs:
        specs = specs.assign(indicator_default_measure=None)
    collisions = specs["variable"].duplicated()
    if collisions.any():  # pragma: no cover - the hash makes this practically impossible
        raise ExportError(f"variable name collision: {sorted(specs.loc[collisions, 'variable'])}")
    variables = [
        Variable(
            r.variable,
            variable_label(r.indicator_name_zh, r.indicator_id, r.kind, r.measure, r.unit, r.indicator_default_measure),
            r.indicator_id, r.kind, r.measure, r.unit or "",
        )
        for r in specs.itertuples(index=False)
    ]
    keys = list(PANEL_KEYS)
    # one row per region and year (a region reported at two levels keeps its first level in sort order)
    index = (
        values[keys].sort_values(keys, na_position="last").drop_duplicates(["region", "year"]).reset_index(drop=True)
    )
    pivot = values.pivot_table(index=["region", "year"], columns="variable", values="value", aggfunc="first")
    wide = index.merge(pivot.reset_index(), on=["region", "year"], how="left")
    wide = wide[keys + [v.name for v in variables]]
    wide = _typed(wide, PANEL_KEYS | {v.name: "float" for v in variables})
    provenance = values[[c for c in PROVENANCE_COLUMNS]].sort_values(["region", "year", "variable"])
    return wide, variables, _typed(provenance.reset_index(drop=True), PROVENANCE_COLUMNS)


def export(warehouse: Path, out: Path, fmt: str, *, wide: bool = False) -> ExportResult:
    """Write the facts (or with ``wide`` the region × year panel) of ``warehouse`` to ``out`` as ``fmt``."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    warehouse = Path(warehouse)
    if not warehouse.exists():
        raise ExportError(f"{warehouse} does not exist; run `govreport run` first")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if wide:
        data, variables, provenance = wide_panel(load_panel_values(warehouse))
        labels = KEY_LABELS | {v.name: v.label for v in variables}
        codebook = pd.DataFrame(
            [{"variable": k, "label": KEY_LABELS[k], "indicator_id": None, "kind": None, "measure": None, "unit": None}
             for k in PANEL_KEYS]
            + [{"variable": v.name, "label": v.label, "indicator_id": v.indicator_id, "kind": v.kind,
                "measure": v.measure, "unit": v.unit} for v in variables]
        )
        table = "wide"
    else:
        data = load_facts(warehouse)
        labels = FACT_LABELS
        codebook = None
        provenance = data[["fact_id", "region", "admin_code", "report_id", "quote", "char_start", "char_end"]]
        table = "facts"
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        _WRITERS[fmt](data, tmp, labels=labels, codebook=codebook, provenance=provenance, table=table)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    if codebook is not None and fmt in ("csv", "parquet"):
        codebook.to_csv(_codebook_path(out), index=False, encoding="utf-8-sig")
    return ExportResult(path=out, rows=len(data), columns=len(data.columns), table=table)


def read_export(path: Path, *, wide: bool = False) -> pd.DataFrame:
    """Read an export back (any of the four formats) with the types it was written with."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt == "csv":
        frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False, na_values=[""])
    elif fmt == "parquet":
        frame = pd.read_parquet(path)
    elif fmt == "dta":
        frame = pd.read_stata(path, convert_categoricals=False)
    elif fmt == "xlsx":
        frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
    else:
        raise ExportError(f"not an export file: {path.name}")
    schema = PANEL_KEYS if wide else FACT_COLUMNS
    types = {c: schema.get(c, "float") for c in frame.columns}
    return _typed(frame, types)


def read_labels(path: Path) -> dict[str, str]:
    """Column -> label of a wide export: Stata variable labels, the ``variables`` sheet or CSV beside the file."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt == "dta":
        with pd.io.stata.StataReader(path) as reader:
            return dict(reader.variable_labels())
    if fmt == "xlsx":
        book = pd.read_excel(path, sheet_name="variables", dtype=str, engine="openpyxl")
    else:
        book = pd.read_csv(_codebook_path(path), encoding="utf-8-sig", dtype=str)
    return dict(zip(book["variable"], book["label"], strict=True))


# --- helpers ---------------------------------------------------------------------------------


def _query(warehouse: Path, sql: str) -> pd.DataFrame:
    con = connect_read_only(Path(warehouse))
    try:
        return con.execute(sql).df()
    except Exception as exc:  # noqa: BLE001 - a missing mart is the user's problem to hear about, not a crash
        hint = " (an older snapshot? `govreport run` rebuilds the marts)" if "does not exist" in str(exc) else ""
        raise ExportError(f"cannot read the warehouse {warehouse}: {exc}{hint}") from exc
    finally:
        con.close()


def _typed(frame: pd.DataFrame, types: dict[str, str]) -> pd.DataFrame:
    """Coerce columns to one type each: str (missing = None; '' reads as missing), Int64, float64, boolean."""
    out = frame.copy()
    for col, kind in types.items():
        if col not in out.columns:
            continue
        series = out[col]
        if kind == "str":
            out[col] = pd.Series(
                [None if _missing(v) or v == "" else _text(v) for v in series], index=out.index, dtype=object
            )
        elif kind == "int":
            out[col] = pd.to_numeric(series, errors="raise").astype("Int64")
        elif kind == "float":
            out[col] = pd.to_numeric(series, errors="raise").astype("float64")
        elif kind == "bool":
            out[col] = pd.Series(
                [None if _missing(v) else _truth(v) for v in series], index=out.index, dtype="boolean"
            )
    return out


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():  # Excel hands back 320100.0 for a numeric-looking cell
        return str(int(value))
    return str(value)


def _truth(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _codebook_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.variables.csv")


def _for_stata(data: pd.DataFrame) -> pd.DataFrame:
    """Stata has no nullable integer, boolean or missing string: Int64 → float64, boolean → int8, None → ''."""
    out = data.copy()
    for col in out.columns:
        dtype = out[col].dtype
        if isinstance(dtype, pd.BooleanDtype):
            out[col] = out[col].astype("float64") if out[col].isna().any() else out[col].astype("int8")
        elif isinstance(dtype, pd.Int64Dtype):
            out[col] = out[col].astype("float64") if out[col].isna().any() else out[col].astype("int32")
        elif pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            out[col] = out[col].fillna("").astype(str)
    return out


def _write_csv(data: pd.DataFrame, path: Path, **_: Any) -> None:
    data.to_csv(path, index=False, encoding="utf-8-sig")


def _write_parquet(data: pd.DataFrame, path: Path, **_: Any) -> None:
    data.to_parquet(path, index=False)


def _write_dta(data: pd.DataFrame, path: Path, *, labels: dict[str, str], table: str, **_: Any) -> None:
    frame = _for_stata(data)
    long_text = [c for c in frame.columns if frame[c].dtype == object and frame[c].str.len().max() > 240]
    frame.to_stata(
        path,
        write_index=False,
        version=118,  # UTF-8 strings and labels
        variable_labels={k: v for k, v in labels.items() if k in frame.columns},
        data_label=f"govreport {table}",
        convert_strl=long_text,
    )


def _xlsx_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop the control characters Excel cannot hold (page-break debris from PDFs) from text cells."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col].dtype) or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in out[col]]
    return out


def _write_xlsx(
    data: pd.DataFrame, path: Path, *, codebook: pd.DataFrame | None, provenance: pd.DataFrame, table: str, **_: Any
) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        _xlsx_safe(data).to_excel(writer, sheet_name=table, index=False)
        if codebook is not None:
            codebook.to_excel(writer, sheet_name="variables", index=False)
        _xlsx_safe(provenance).to_excel(writer, sheet_name="provenance", index=False)
        for sheet in writer.sheets.values():
            sheet.freeze_panes = "B2"


_WRITERS = {"csv": _write_csv, "parquet": _write_parquet, "dta": _write_dta, "xlsx": _write_xlsx}
