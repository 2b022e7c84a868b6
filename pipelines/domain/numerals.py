"""Chinese numerals: ``三千五百``, ``十二``, ``两万``, ``一亿二千万``, ``三点五`` and years such as ``二〇二四``."""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
# a zero typed in a year with a look-alike: a circle (二○二四) or the letter O (二O二四, 二Ｏ二四)
_YEAR_DIGITS = DIGITS | {c: 0 for c in "○OＯ"}


def parse_chinese_numeral(s: str) -> float | None:
    """Parse a Chinese numeral such as ``三千五百``, ``十二``, ``两万``, ``一亿二千万`` or ``二〇二六``.

    Returns ``None`` when ``s`` is not a well-formed numeral. A decimal part written with ``点``
    (``三点五``) is supported; a run of digits (``二〇二六``) is read digit by digit.
    """
    if not s:
        return None
    if "点" in s:
        whole, _, frac = s.partition("点")
        w = parse_chinese_numeral(whole) if whole else 0.0
        if w is None or not frac or any(c not in DIGITS for c in frac):
            return None
        return float(f"{int(w)}." + "".join(str(DIGITS[c]) for c in frac))
    if all(c in DIGITS for c in s):
        if len(s) == 1:
            return float(DIGITS[s])
        if s[0] in "零〇" and len(s) > 1:
            return None
        return float("".join(str(DIGITS[c]) for c in s))  # digit-by-digit (years)
    total = 0
    section = 0
    digit: int | None = None
    prev_unit = 10**12
    for c in s:
        if c in DIGITS:
            if digit is not None and DIGITS[c] != 0:
                return None
            digit = DIGITS[c] if DIGITS[c] != 0 else None
        elif c in _SMALL_UNITS:
            unit = _SMALL_UNITS[c]
            if unit >= prev_unit:
                return None
            section += (digit if digit is not None else 1) * unit
            digit = None
            prev_unit = unit
        elif c in _BIG_UNITS:
            big = _BIG_UNITS[c]
            if digit is not None:
                section += digit
                digit = None
            if section == 0 and total == 0:
                return None
            if big == 100_000_000:
                total = (total + section) * big
            else:
                total += section * big
            section = 0
            prev_unit = 10**12
        else:
            return None
    if digit is not None:
        section += digit
    return float(total + section)


def parse_year(s: str) -> int | None:
    """A year written in ASCII digits (``2024``) or digit by digit in Chinese (``二〇二四``, ``二○二四``), else None."""
    if s.isascii() and s.isdigit():
        return int(s)
    if not s or any(c not in _YEAR_DIGITS for c in s) or _YEAR_DIGITS[s[0]] == 0:
        return None
    return int("".join(str(_YEAR_DIGITS[c]) for c in s))
