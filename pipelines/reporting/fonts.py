"""A font that draws Chinese, found through matplotlib's ``font_manager`` (no subprocess, no download).

Order: ``GOVREPORT_CJK_FONT`` (a font file) when set; else a CJK font matplotlib already knows on this
machine (Noto Sans CJK, Source Han Sans, WenQuanYi, ... — see ``SYSTEM_FAMILIES``) that really has the
glyphs; else Noto Sans SC (SIL Open Font License) shipped inside the ``pylopdf-fonts-zh-cn`` wheel, a
dependency of the project, so a fresh machine always has one. Charts never fall back to codes.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

FONT_ENV = "GOVREPORT_CJK_FONT"

# Families preferred when installed, best first (sans-serif faces that cover simplified Chinese).
SYSTEM_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)

# Characters every candidate must have: region suffixes, chart words and a few rarer names' characters.
PROBE = "中国国务院省市县区自治州盟旗呼伦贝尔海拉尔嵊鄂尔多斯维吾尔壮族地区生产总值增速目标实际年份"


class NoCjkFont(RuntimeError):
    """No usable font for Chinese text: neither a system font nor the packaged one."""


@dataclass(frozen=True)
class CjkFont:
    """The chosen font: family name for matplotlib, file, and where it came from (env/system/package)."""

    family: str
    path: Path
    source: str


def covers(path: Path | str, text: str) -> bool:
    """True when the font file has a glyph for every non-space character of ``text``."""
    try:
        charmap = FT2Font(str(path)).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(ch) in charmap for ch in set(text) if not ch.isspace())


def missing_glyphs(path: Path | str, text: str) -> str:
    """The characters of ``text`` (deduplicated, in order) the font file cannot draw."""
    charmap = FT2Font(str(path)).get_charmap()
    seen: dict[str, None] = {}
    for ch in text:
        if not ch.isspace() and ord(ch) not in charmap:
            seen.setdefault(ch)
    return "".join(seen)


def _register(path: Path, source: str) -> CjkFont:
    font_manager.fontManager.addfont(str(path))
    return CjkFont(family=font_manager.FontProperties(fname=str(path)).get_name(), path=path, source=source)


def _system_font() -> CjkFont | None:
    rank = {name: i for i, name in enumerate(SYSTEM_FAMILIES)}
    entries = sorted(
        (e for e in font_manager.fontManager.ttflist if e.name in rank and e.style == "normal"),
        key=lambda e: (rank[e.name], abs(_weight(e.weight) - 400), e.fname),
    )
    for entry in entries:
        if covers(entry.fname, PROBE):
            return CjkFont(family=entry.name, path=Path(entry.fname), source="system")
    return None


def _weight(weight: int | str) -> int:
    return weight if isinstance(weight, int) else font_manager.weight_dict.get(str(weight), 400)


def _packaged_font() -> CjkFont | None:
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return _register(path, "package") if path.is_file() and covers(path, PROBE) else None


@functools.lru_cache(maxsize=1)
def cjk_font() -> CjkFont:
    """The font charts use for Chinese text (cached); raises ``NoCjkFont`` when there is none at all."""
    override = os.environ.get(FONT_ENV)
    if override:
        path = Path(override)
        if not path.is_file() or not covers(path, PROBE):
            raise NoCjkFont(f"{FONT_ENV}={override} is not a font file with Chinese glyphs")
        return _register(path, "env")
    found = _system_font() or _packaged_font()
    if found is None:
        raise NoCjkFont("no font with Chinese glyphs: install the project (pip install -e .), which brings "
                        "pylopdf-fonts-zh-cn, or set GOVREPORT_CJK_FONT to a font file")
    return found
