"""Scope: is a figure about the whole region, or about a part of it?

A province's report also gives figures for its cities (武汉都市圈经济总量达到3.8万亿元), its counties
(县域经济), its zones (兰州新区经济总量突破500亿元), sub-sectors (海洋生产总值, 能源工业增加值) and
sub-series (绿色贷款余额). Such a figure must not land on the region's own indicator. The words that
name the part, written right before the indicator's name in the same clause, become the fact's
``subject``; a fact about the whole region has no subject.
"""

from __future__ import annotations

import re

# Words that may sit between the start of a clause and the indicator without naming a part.
_FILLER = re.compile(
    r"^(?:其中|同时|累计|(?:国考|省考)?(?:地级及以上|地级以上|县级及以上|设区)?城市|设区市|全年|全省|全市|全区|全县|全州|全盟|全旗|全国|我省|我市|我区|我县|本市|本省|本区|本县|"
    r"实现|完成|推动|带动|促进|预计|力争|确保|争取|保持|年末|年底|目前|当年|今年|去年|上年|"
    r"(?:19|20)\d\d年(?:末|底)?|到(?:19|20)\d\d年|“十[一二三四五]?五”(?:时期|期间|末)?|十[一二三四五]?五(?:时期|期间|末)?|"
    r"规模以上|规上|全社会|居民|城乡|城镇|农村|农民|常住|地方财政|地方|金融机构|本外币|人民币|的|和|与|及|、|“|”|\s)+"
)
# A named place or zone: 武汉都市圈, 兰州新区, 南疆五地州, 京津冀区域, 雄安新区, 襄阳等市, 东山组团
_PLACE = re.compile(
    r"([\u4e00-\u9fff]{1,10}?(?:都市圈|经济圈|城市圈|城市群|经济带|经济区|新区|开发区|高新区|园区|示范区|试验区|"
    r"自贸区|自贸试验区|合作区|片区|组团|城区|地州|区域|等市|等县|各市|各县|市|县|州|盟|旗|区))$"
)
# A sub-sector or sub-series written before the indicator: 海洋生产总值, 县域经济总量, 绿色贷款余额
_SECTOR = re.compile(
    r"((?:非[\u4e00-\u9fff]{1,4}|重点|重大|近岸海域|海域|[\u4e00-\u9fff“”]{2,8}国家|东盟|欧盟|"
    r"高校毕业生|退役军人|残疾人|农民工|脱贫人口|就业困难人员|困难群体|返乡入乡|返乡|"
    r"软件和信息技术|信息技术|软件|金融|房地产|批发零售|住宿餐饮|交通运输|现代|生产性|生活性|"
    r"限上[\u4e00-\u9fff]{0,6}业|限额以上[\u4e00-\u9fff]{0,6}业|批零住餐业?|资质以上[\u4e00-\u9fff]{0,4}业|"
    r"县域(?:经济)?|海洋|能源工业|装备制造业|高端装备|数字经济核心产业|营利性服务业|服务贸易|跨境电商|文旅|旅游|"
    r"民营(?:经济)?|非公(?:有制)?经济|外资|“新三样”|新能源汽车|汽车|机电产品|高新技术产品|农产品|"
    r"绿色|普惠小微|涉农|科技|制造业中长期|中长期|民营企业|小微企业|农业|林业|工业园区|开发区)(?:产品|行业)?)$"
)
# economy-wide subjects may be preceded by a jurisdiction or a verb, not by a sector or sub-region
_ECONOMY_WIDE = frozenset({"生产总值", "地区生产总值", "国内生产总值", "经济总量", "GDP"})
_ECONOMY_PART = re.compile(
    r"(?:海洋|县域|园区|新区|城区|片区|景区|都市圈|城市圈|城市群|经济带|经济圈|经济区|地州|示范区|开发区|试验区|合作区|"
    r"自贸区|功能区|民营|数字|文旅|旅游|农业|林业|工业|服务业|制造业|[各外])$"
)
# Not a part although it ends like a place: the jurisdiction itself or a generic name.
_GENERIC_PLACE = frozenset(
    "市 区 县 州 盟 旗 全市 全区 全县 全州 我市 我区 我县 本市 本区 本县 城区 地区 辖区 市区 城市 区域 各市 各县".split()
)
_MAX_LEAD = 16
_PARTNER = re.compile(r"^(?:其中|同时)?对([\u4e00-\u9fff“”]{1,10}?)(?:货物|服务)?(?:贸易)?$")
# aliases that name one component of an aggregate indicator (one pollutant of the major pollutants)
COMPONENT_SUBJECTS = frozenset({"化学需氧量", "二氧化硫", "氮氧化物", "氨氮", "挥发性有机物"})
# words that name a part of one particular indicator only (the central and local shares of the deficit)
INDICATOR_PARTS: dict[str, tuple[str, ...]] = {"fiscal_deficit": ("中央", "地方"), "local_gov_special_bonds": ("中央",)}
_SUFFIX = re.compile(r"(?:维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|省|市|区|县|州|盟|旗)$")


def is_filler(words: str) -> bool:
    """True when ``words`` (before an indicator's name) do not narrow it (全省, 2025年, 规模以上, …)."""
    return not _FILLER.sub("", words.strip())


def part_subject(text: str, clause_start: int, mention_start: int, region: str | None) -> str | None:
    """The words naming a part of the region right before an indicator mention, or None (whole region).

    ``clause_start`` bounds the look-back (the start of the sentence); the lead is the text after
    the last clause break before the mention. ``region`` is the report's own region, which is
    never a part of itself.
    """
    start = max(clause_start, mention_start - _MAX_LEAD)
    lead = text[start:mention_start]
    cut = max(lead.rfind(c) for c in "，,；;：:。\n（(")
    if cut >= 0:
        lead = lead[cut + 1 :]
    lead = lead.rstrip("的")
    rest = _FILLER.sub("", lead)
    if not rest:
        return None
    partner = _PARTNER.match(lead)
    if partner:
        return partner.group(1)  # 对东盟进出口, 对沿线国家货物进出口额: trade with a part of the world
    m = _SECTOR.search(lead)
    if m:
        return m.group(1)
    m = _PLACE.search(lead)
    if m:
        place = _FILLER.sub("", m.group(1))
        own_name = _SUFFIX.sub("", region) if region else None
        if not place or place in _GENERIC_PLACE or (region and (place == region or region.startswith(place))):
            return None
        if own_name and len(own_name) >= 2 and place.endswith(own_name):
            return None  # 来源于惠州的财税总收入: the region's own name without its suffix
        return place
    return None


def economy_part(text: str, clause_start: int, mention_start: int, subject: str) -> str | None:
    """For an economy-wide subject (生产总值, 经济总量), a sector or sub-region word right before it, or None.

    Such subjects are preceded by a jurisdiction or a verb, never by a sector or sub-region: 海洋生产总值,
    园区经济总量 and 各地区生产总值 name a part even where :func:`part_subject` finds none.
    """
    if subject not in _ECONOMY_WIDE:
        return None
    m = _ECONOMY_PART.search(text[max(clause_start, mention_start - 5) : mention_start])
    return m.group() if m else None
