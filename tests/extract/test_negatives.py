"""Numbers that are not indicator facts."""

from __future__ import annotations

import pytest

from tests.extract.helpers import facts_of

REVIEW = "一、2023年工作回顾\n"


@pytest.mark.parametrize(
    "sentence",
    [
        "——2024年3月5日在第十四届全国人民代表大会第二次会议上",
        "——二〇二六年一月二十七日在甘肃省十四届人民代表大会第四次会议上",
        "自然指数—科研城市全球排名升至第6位，国家创新型城市创新能力评价居全国第4位。",
        "制定实施推动经济运行率先整体好转“33条”、促进经济持续回升向好“23条”等一揽子政策。",
        "招引10亿元以上项目203个，中石化化工物流总部等26家央企二三级企业落地。",
        "地区生产总值连续迈上4个万亿元台阶。",
        "培育形成3个万亿级和7个千亿级产业集群。",
        "规上工业增加值实现两位数增长。",
        "全面完成“3610”目标任务，加快构建“2+6+6”创新型产业集群和“1650”产业体系。",
        "“十四五”规划目标任务全面完成，“十五五”开局良好。",
        "发展普惠托育服务，3岁以下婴幼儿托位增加，60岁以上老年人免费体检。",
        "金融业、软件和信息服务业增加值分别增长9.7%、15.3%。",
        "民间投资占全部投资比重保持在55%左右。",
        "服务业对经济增长贡献率接近60%。",
        "地区生产总值增速连续24个月保持全省第一。",
        "PM2.5平均浓度连续5年达标。",
        "十大类49项民生实事项目全面完成，基本公共服务水平连续6年居全省第一，第14次获评“中国最具幸福感城市”。",
    ],
)
def test_no_fact(sentence: str) -> None:
    assert facts_of(REVIEW + sentence, 2024) == []


def test_comparison_with_national_figure_is_not_a_fact() -> None:
    facts = facts_of(REVIEW + "全市地区生产总值5.2万亿元、增长5.4%、高于全国0.4个百分点。", 2024)
    assert sorted((f.indicator_id, f.value) for f in facts) == [("gdp", 5.2), ("gdp_growth", 5.4)]


def test_threshold_class_and_count() -> None:
    facts = facts_of(REVIEW + "经济总量超千亿元的县域达12个，地区生产总值突破3万亿元。", 2024)
    assert [(f.indicator_id, f.value, f.qualifier) for f in facts] == [("gdp", 3, "over")]


def test_unrelated_clause_ends_subject() -> None:
    facts = facts_of(REVIEW + "全社会固定资产投资增长4.6%，重大工程投资完成2510.1亿元、增长5.3%。", 2024)
    assert [(f.indicator_id, f.value) for f in facts] == [("fixed_asset_investment_growth", 4.6)]
