"""Five-year plans and National People's Congress sessions: which calendar years they name."""

from __future__ import annotations

import re

from .numerals import parse_chinese_numeral

# “十四五” / 十五五时期 / 十五规划 / 第十四个五年规划; “九五” is the ninth plan, 十五 the tenth
_PLAN = re.compile(r"十([一二三四五六七八九])?五(?=”|时期|规划|期间|末)|第([十一二三四五六七八九]+)个五年规划")


def plan_end(number: int) -> int:
    """Last year of the ``number``-th five-year plan (from the 3rd on): 9 -> 2000, 14 -> 2025, 15 -> 2030."""
    # the 3rd plan ran 1966-1970 (after the 1963-1965 readjustment); every later plan follows on
    return 1970 + 5 * (number - 3)


def plan_number(name: str) -> int | None:
    """Ordinal of a plan from its short name: ``九五`` -> 9, ``十五`` -> 10, ``十四五`` -> 14; else None."""
    if not name.endswith("五") or len(name) < 2:
        return None
    n = parse_chinese_numeral(name[:-1])
    return int(n) if n is not None else None


def plan_end_year(text: str) -> int | None:
    """Last year of the first five-year plan named in ``text`` (“十五五” -> 2030), else None."""
    m = _PLAN.search(text)
    if not m:
        return None
    if m.group(2):
        n = parse_chinese_numeral(m.group(2))
        return plan_end(int(n)) if n is not None else None
    d = m.group(1)
    return plan_end(10 + (int(parse_chinese_numeral(d) or 0) if d else 0))


def npc_year(term: int, session: int) -> int:
    """Calendar year of session ``session`` of the ``term``-th National People's Congress (term >= 5)."""
    # 5th NPC first session 1978; from the 6th (1983) every term is five years.
    first = 1978 if term == 5 else 1983 + 5 * (term - 6)
    return first + session - 1
