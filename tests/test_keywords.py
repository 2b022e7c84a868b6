"""Keyword counting with jieba on real sentences of the Nanjing 2024 government work report."""

from __future__ import annotations

import jieba
import pytest

from pipelines.extract import keywords
from pipelines.extract.keywords import KeywordCount, count_keywords, curated_terms, stopwords, tokenize
from tests.paths import NANJING_2024

# Sentences copied from the Nanjing 2024 report.
S_NEW_FORCES = (
    "以科技体制综合改革为引领，推动创新链、产业链、资金链、人才链循环畅通、深度融合，加快形成新质生产力。"
)
S_AI = "全力突破人工智能大模型创新应用，协同推进算力提升、算法突破，建设国家人工智能创新应用先导区。"
S_BELT_ROAD = "高水平建设“一带一路”交汇点重要枢纽城市，主动融入长江经济带、长三角一体化发展。"
S_RISK = "加强全口径地方债务监测监管，规范平台公司经营管理。积极防范化解房地产风险，扎实做好保交楼、保民生、保稳定工作。"
S_CARBON = "出台全市碳达峰实施方案，推进江宁经开区国家碳达峰试点园区、溧水经开区国家绿色工业园区建设。"


def as_dict(rows: list[KeywordCount], source: str) -> dict[str, int]:
    return {r.keyword: r.occurrences for r in rows if r.keyword_source == source}


def test_curated_terms_are_single_tokens():
    assert "新质生产力" in tokenize(S_NEW_FORCES)
    assert tokenize("开展“人工智能+”行动")[2] == "人工智能+"
    assert tokenize("开展“人工智能＋”行动")[2] == "人工智能+"  # full-width plus normalised
    tokens = tokenize(S_RISK)
    assert "地方债务" in tokens and "房地产" in tokens and "保交楼" in tokens


def test_curated_counts_on_real_sentences():
    curated = as_dict(count_keywords(S_AI + S_CARBON + S_BELT_ROAD + S_RISK + S_NEW_FORCES), "curated")
    assert curated["人工智能"] == 2
    assert curated["算力"] == 1
    assert curated["碳达峰"] == 2
    assert curated["一带一路"] == 1
    assert curated["地方债务"] == 1
    assert curated["房地产"] == 1
    assert curated["新质生产力"] == 1
    assert "共同富裕" not in curated  # absent terms are not reported (no zero rows)
    assert all(n > 0 for n in curated.values())


def test_longest_curated_term_wins():
    curated = as_dict(count_keywords("实施“人工智能+”行动，推动人工智能产业发展。"), "curated")
    assert curated == {"人工智能+": 1, "人工智能": 1}


def test_top_terms_exclude_stopwords_numerals_and_curated():
    text = S_AI + S_CARBON + "三年行动计划。2024年，我们坚持推进建设发展，加快全面发展。" * 3
    rows = count_keywords(text, top_n=50)
    top = as_dict(rows, "top")
    assert top, "expected some top terms"
    for word in (
        "我们",
        "推进",
        "加快",
        "坚持",
        "全面",
        "建设",
        "发展",
        "三年",
        "2024",
        "人工智能",
        "碳达峰",
    ):
        assert word not in top
    assert all(len(w) >= 2 for w in top)
    assert top.get("园区", 0) >= 1 or top.get("试点", 0) >= 1


def test_top_n_limits_and_orders_deterministically():
    text = NANJING_2024.read_text(encoding="utf-8")
    rows = count_keywords(text, top_n=10)
    top = [r for r in rows if r.keyword_source == "top"]
    assert len(top) == 10
    assert [r.occurrences for r in top] == sorted((r.occurrences for r in top), reverse=True)
    assert rows == count_keywords(text, top_n=10)
    assert count_keywords(text, top_n=0) == [r for r in rows if r.keyword_source == "curated"]
    with pytest.raises(ValueError):
        count_keywords(text, top_n=-1)


def test_whole_nanjing_report():
    text = NANJING_2024.read_text(encoding="utf-8")
    rows = count_keywords(text)
    curated = as_dict(rows, "curated")
    top = as_dict(rows, "top")
    assert curated["高质量发展"] == text.count("高质量发展")
    assert curated["新质生产力"] == 1
    assert curated["科技创新"] >= 5
    assert len(top) == 30
    assert "南京" in top and "产业" in top
    assert not set(top) & stopwords()
    assert not set(top) & set(curated_terms())
    assert {r.keyword_source for r in rows} == {"curated", "top"}
    assert [r.to_dict() for r in rows][0].keys() == {"keyword", "keyword_source", "occurrences"}


def test_global_jieba_dictionary_untouched():
    count_keywords(S_NEW_FORCES)
    assert keywords._tokenizer is not None and keywords._tokenizer is not jieba.dt
    assert keywords._tokenizer.FREQ is not jieba.dt.FREQ
    assert len(curated_terms()) >= 60


@pytest.fixture(scope="module")
def stock_tokenizer() -> jieba.Tokenizer:
    """jieba's own tokenizer with the same curated terms added the same way: the reference cut."""
    stock = jieba.Tokenizer()
    stock.initialize()
    for term in curated_terms():
        stock.add_word(term, freq=max(stock.suggest_freq(term), keywords.CURATED_TERM_FREQ))
    return stock


def stock_tokens(stock: jieba.Tokenizer, text: str) -> list[str]:
    return [tok for tok in stock.lcut(text.translate(keywords._NORMALISE), HMM=False) if tok.strip()]


@pytest.mark.parametrize("text", [
    "",
    "南",
    "5G基站累计建成1.2万个，AI大模型、iPhone和A股都不是新词",
    "全年地区生产总值增长4.6%左右，GDP达到17421.4亿元。",
    "开展“人工智能+”行动，打造人工智能＋制造新场景",
    "一般公共预算收入增长5%以上\n\n城镇新增就业30万人以上",
    S_NEW_FORCES + S_AI + S_BELT_ROAD + S_RISK + S_CARBON,
])
def test_route_tokenizer_cuts_like_jieba(stock_tokenizer, text):
    assert tokenize(text) == stock_tokens(stock_tokenizer, text)


def test_route_tokenizer_cuts_the_whole_sample_like_jieba(stock_tokenizer):
    text = NANJING_2024.read_text(encoding="utf-8")
    tokens = tokenize(text)
    assert len(tokens) > 5_000
    assert tokens == stock_tokens(stock_tokenizer, text)


def test_route_tokenizer_cuts_every_corpus_text_like_jieba(stock_tokenizer, shared_dir):
    """Every report and city text of ../shared, cut by both: not one token differs."""
    paths = sorted((shared_dir / "corpus").rglob("*.txt"))
    assert len(paths) > 50
    for path in paths:
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert tokenize(text) == stock_tokens(stock_tokenizer, text), path.name
