"""Cue-word patterns: continuation of a subject, measures, qualifiers and negatives.

All patterns run on the normalised text (ASCII digits and ``%``, ``:`` for ``：``).
"""

from __future__ import annotations

import re

# sentence and clause boundaries
SENTENCE_SPLIT = re.compile(r"[。；;！!？?\n]")
CLAUSE_SPLIT = re.compile(r"[，,、]|:(?!\d)|：")
SEGMENT_SPLIT = re.compile(r"[，,]|:(?!\d)")
# a short parenthetical aside: 比上年(下同)增长, 生产总值(预计,下同)
PARENTHETICAL = re.compile(r"[（(][^（()）]{0,12}[)）]")

# a clause without its own subject continues the previous subject when it starts like this
CONTINUATION = re.compile(
    r"^(?:(?:19|20)\d\d年(?:底|末)?|[五十两三四六]年)?"
    r"(?:其中|全年|同比|比上年|较上年|比去年|(?:比|较)(?:19|20)\d\d年|分别|总体|整体|并|且|再)?"
    r"(?:按)?(?:实际|名义|同口径|可比口径|现价|可比价格?)?"
    r"(?:增长|下降|降低|提高|提升|增加|减少|上涨|上升|回落|增速|增幅|涨幅|降幅|总量|总额|规模|总数|总计|累计|"
    r"达到|达|迈上|突破|超过|超|为|完成|实现|年均|力争|争取|确保|保持|控制在|稳定在|预计|约|近|规模达|总规模)"
)

GROWTH_WORDS = re.compile(
    r"增速|增幅|涨幅|降幅|负增长|(?:增长|上涨|上升|下降|微降|降低|减少|回落|回升|下跌|下滑|萎缩|增加|提高|提升)(?![到至为])"
)
CHANGE_BEFORE = re.compile(r"(?:增长|增加|提高|提升|上升|减少|下降|降低|缩小|扩大)(?:了)?$")
FROM_BEFORE = re.compile(
    r"(?:从|由)(?:((?:19|20)\d\d)年(?:的|底|末)?|(上年|去年)(?:的|底|末)?|(上半年|一季度|前三季度|年初))?(?:不到|超过|近|约)?$"
)
TO_AFTER = re.compile(
    r"^(?:左右|以上)?(?:的基础上)?(?:增长|增加|提高|提升|上升|扩大|下降|降低|缩小|减少|跃升|攀升|跃居|增|降|发展)?(?:到|至)"
)
DECLINE_WORDS = re.compile(r"(?:下降|微降|降低|减少|回落|下跌|下滑|萎缩|降幅|缩小|收窄|负增长)(?![到至为])")
AVERAGE_WORDS = re.compile(r"年均|年平均|平均每年")
CUMULATIVE_BASE = re.compile(r"(?:比|较|与)(?:19|20)\d\d年(?:相比)?")
COMPARED_WITH_YEAR = re.compile(r"(?:与|同|比|较)((?:19|20)\d\d)年(?:相比|比较)")
CUMULATIVE_WORDS = re.compile(r"累计|累积|五年共|五年来共|合计")
INCREMENT_WORDS = re.compile(
    r"新增|净增|新认定|新培育|新引进|获批|新设|新建成|新开通|新上市|新登记|新入库|新入规|新升规|升规|增加了|(?:比|较)(?:上年|去年|上年度)(?:增加|多|净增)"
)
OBJECT_ZONE = re.compile(r"^的?(?:贡献|拉动|带动|支撑)")
SHARE_WORDS = re.compile(r"占[^，,、]{0,14}(?:比重|比例|份额|的比)|占比|比重|比例|份额|占[^，,、]{1,14}的$")
STOCK_WORDS = re.compile(r"累计|累积|总量|总数|总计|总规模|共有|增至|增加到|总体")
INCREMENT_AFTER = re.compile(r"^(?:获批|新获批|被认定|通过认定)")

STRIVE = re.compile(r"力争|争取")
EXPECTED = re.compile(r"预计")
OVER_BEFORE = re.compile(r"(?:超过|超|突破|逾|多于|高达)(?:了)?$")
AT_LEAST_BEFORE = re.compile(r"(?:不低于|不少于|至少|不下于)(?:了)?$")
AT_MOST_BEFORE = re.compile(r"(?:不超过|不高于|最多)(?:了)?$")
ABOUT_BEFORE = re.compile(r"(?:约|大约|约为|接近|近|将近|大概)$")

# negatives: comparisons with an outside figure, ranks, milestones, thresholds, durations
VS_OUTSIDE = re.compile(
    r"(?:高于|低于|高出|快于|慢于|领先|超出|超过|比|较)(?:全国|全省|全市|全区|全州|全球|平均|面上|东部|中部|西部|同期)"
    r"|占(?:全国|全省|全市|全区|全球|世界)"
    r"|(?:为|是|相当于|达到)(?:全国|全省|全市|全区)(?:平均)?(?:水平)?的"
)
RANK_AFTER = re.compile(r"^(?:位|名|强|个?百分位|年|月|日|号|期|届|次|批)")
RANK_BEFORE = re.compile(r"(?:第|前|排名|居|位居|跃居|位列)$")
MILESTONE_AFTER = re.compile(r"^(?:个)?(?:[万千百]亿|万)?(?:元|美元)?(?:台阶|级|大关|关口|档次)")
# 突破1500亿元大关 states a lower bound of the level (over); 迈上…台阶 is a milestone
PASSED_MARK = re.compile(r"(?:突破|超过|超)$")
COUNT_THEN_SCALE = re.compile(r"^(?:万亿|千亿|百亿|亿|万)")
THRESHOLD_AFTER = re.compile(
    r"^(?:以上|以下|及以上)?(?:的)?(?:项目|企业|工业|产业|城市|县|园区|集群|重大|规模|产品|品牌|商品|市场|大项目|级)"
)
MONTH_AFTER = re.compile(r"^(?:月|方面|领域|百分点|小时|工作日|季度|星期|周|多月)")
AGE_BAND = re.compile(r"^(?:以下|以上|及以上|至\d+岁)(?![，,、；。]|$)")
YEAR_PREFIX = re.compile(r"^(?:(?:据介绍|报告(?:提出|指出|显示)|其中|同时)[,，:：]?)?((?:19|20)\d\d)年")
UNTIL_YEAR = re.compile(r"到((?:19|20)\d\d)年|((?:19|20)\d\d)年(?:前|末|底)?(?:要|将|力争|达到)")

# a subject that is not the fact's subject: a denominator (占GDP, 与GDP的比率, 万元生产总值用水量),
# the object of a comparison (快于经济增速1个百分点) or a duration (连续四年达到10%)
DENOMINATOR_BEFORE = re.compile(r"(?:占|与|同|万元|亿元|每万元)$")
COMPARED_BEFORE = re.compile(r"(?:高于|低于|快于|慢于|高出|超过|超出|跑赢|好于|领先|不低于)$")
# a span other than the five-year plan period (十年增加近70万亿元、年均增长6.2%)
OTHER_SPAN = re.compile(r"(?:十|二十|三十|四十)(?:多)?年(?:来|间|中)?")
DURATION_ZONE = re.compile(r"连续[0-9一二两三四五六七八九十]+(?:年|个?月|个?季度)|连年|多年来|历年")
# a milestone passed on the way to the exact level: 突破3万亿元、达3.6万亿元
FLAT_WORDS = re.compile(r"(?:基本|总体)?持平")
PAST_PLAN_PERIOD = re.compile(r"十[一二三四五六七八九]?五”?(?:期间|时期)")
SHARED_LIST_START = re.compile(r"(?:分别|均)")
PAST_YEAR_START = re.compile(r"(?:——)?(?:过去一年|过去的一年|一年来|去年)")
THIS_YEAR = re.compile(r"今年|明年")
MILESTONE_VERB = re.compile(r"(?:连跨|跨越|跨上|迈上|迈过|跃上|站上|连上)$")
MILESTONE_LATER = re.compile(r"[^，,。；;]{0,14}(?:台阶|大关|关口)")
