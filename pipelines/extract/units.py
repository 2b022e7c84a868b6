"""Unit dimensions and conversion factors (shared by the extractor and the evaluator).

The table is the dbt seed ``dbt_project/seeds/units.csv``; the dbt macro ``unit_conversion_factor`` reads the same rows.
"""

from __future__ import annotations

from pipelines.domain.seeds import read_seed

# unit -> (dimension, factor to the dimension's base unit), from the ``units`` seed dbt reads too
_UNIT_DIM: dict[str, tuple[str, float]] = {
    row["unit"]: (row["dimension"], float(row["factor"])) for row in read_seed("units")
}


def dimension(unit: str | None) -> str | None:
    """The dimension of ``unit`` (``yuan``, ``percent`` …), the unit itself when unknown, else None."""
    if not unit:
        return None
    if unit in _UNIT_DIM:
        return _UNIT_DIM[unit][0]
    return "unit:" + unit


def known_unit(unit: str | None) -> bool:
    """True when ``unit`` has a known dimension (万元, 家, 亿斤 …), False for 万辆, 平方米, 标箱 …"""
    return bool(unit) and unit in _UNIT_DIM


_COUNTABLE = frozenset({"enterprises", "households", "items"})  # 家, 户 and 个 all count firms in reports
_AMOUNTS = frozenset({"yuan", "usd"})


def units_fit(unit: str, default_unit: str) -> bool:
    """True when a value in ``unit`` can measure an indicator whose default unit is ``default_unit``.

    Same dimension, or both money (亿元 / 亿美元), or both counts of firms (家 / 户 / 个); a unit
    with no known dimension must share its name with the default (件 for 件/万人, 公里 for 公里).
    """
    if unit == default_unit:
        return True
    if known_unit(unit) and known_unit(default_unit):
        du, dd = dimension(unit), dimension(default_unit)
        return du == dd or {du, dd} <= _AMOUNTS or {du, dd} <= _COUNTABLE
    if known_unit(unit) or known_unit(default_unit):
        return False
    return default_unit.startswith(unit) or default_unit.endswith(unit) or unit.endswith(default_unit)


def to_base(value: float, unit: str) -> float:
    """``value`` expressed in the base unit of its dimension (1.74 万亿元 -> 1.74e12)."""
    return value * _UNIT_DIM[unit][1] if unit in _UNIT_DIM else value


def convert(value: float | None, unit: str, target: str | None) -> float | None:
    """Convert ``value`` from ``unit`` to ``target``; ``None`` when the dimensions differ."""
    if value is None or not target:
        return None
    if unit == target:
        return value
    if unit in _UNIT_DIM and target in _UNIT_DIM and _UNIT_DIM[unit][0] == _UNIT_DIM[target][0]:
        return value * _UNIT_DIM[unit][1] / _UNIT_DIM[target][1]
    return None

