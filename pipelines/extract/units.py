"""Unit dimensions and conversion factors (shared by the extractor and the evaluator)."""

from __future__ import annotations

_DIMENSIONS: dict[str, dict[str, float]] = {
    "percent": {"%": 1.0, "％": 1.0},
    "permille": {"‰": 1.0},
    "pp": {"个百分点": 1.0, "百分点": 1.0},
    "yuan": {"元": 1.0, "万元": 1e4, "亿元": 1e8, "万亿元": 1e12, "千亿元": 1e11, "百亿元": 1e10,
             "千万元": 1e7, "百万元": 1e6},
    "usd": {"美元": 1.0, "万美元": 1e4, "亿美元": 1e8, "万亿美元": 1e12},
    "enterprises": {"家": 1.0, "万家": 1e4},
    "persons": {"人": 1.0, "万人": 1e4, "亿人": 1e8},
    "person_times": {"人次": 1.0, "万人次": 1e4, "亿人次": 1e8},
    "grain": {"斤": 1.0, "亿斤": 1e8, "万亿斤": 1e12, "公斤": 2.0, "吨": 2000.0, "万吨": 2e7, "亿吨": 2e11},
    "housing": {"套": 1.0, "套（间）": 1.0, "万套": 1e4},
    "area_mu": {"亩": 1.0, "万亩": 1e4, "亿亩": 1e8},
    "households": {"户": 1.0, "万户": 1e4},
    "items": {"个": 1.0, "万个": 1e4, "座": 1.0, "万座": 1e4, "张": 1.0, "万张": 1e4},
    "power": {"千瓦": 1.0, "万千瓦": 1e4, "亿千瓦": 1e8},
    "ratio_to_one": {":1": 1.0, "ratio (rural=1)": 1.0},
}
_UNIT_DIM: dict[str, tuple[str, float]] = {
    unit: (dim, factor) for dim, units in _DIMENSIONS.items() for unit, factor in units.items()
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


def same_dimension(a: str | None, b: str | None) -> bool:
    """True when units ``a`` and ``b`` can be compared."""
    da, db = dimension(a), dimension(b)
    return da is not None and da == db
