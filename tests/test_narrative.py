"""Sections and narrative facts, asserted on the shared real reports (and a few printed phrasings)."""

from __future__ import annotations

import csv
import importlib.util
import math
import random
import re
import unicodedata
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from disclosure_utils.document import Document, Grid, Paragraph
from disclosure_utils.narrative import (
    NARRATIVE_COLUMNS,
    RULES,
    SECTION_CODES,
    SECTION_COLUMNS,
    _keyword_distance,
    _rule_metric,
    extract,
    extract_records,
    parse_number,
)
from disclosure_utils.narrative_numbers import _COUNT_HINT, UNITS, count_hints
from disclosure_utils.narrative_sections import _NAMED, _trie
from disclosure_utils.narrative_text import _normalise, _sentence_at
from disclosure_utils.sources import load_document

from .conftest import RAW, expected, manifest, reports_dir

HAND_CHECKED = Path(__file__).parent / "data" / "narrative_facts.csv"
READERS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".docx": "docx"}

# expected/*.json `narrative` keys → metrics
NARRATIVE_KEYS = {
    "website_posts": "website_posts",
    "weibo_posts": "weibo_posts",
    "wechat_posts": "wechat_posts",
    "followers": "followers",
    "gov_service_items": "gov_service_items",
    "applications_received_stated": "applications_received",
    "hotline_letters_12345": "hotline_messages",
}
OTHER_STATED = {
    "市政府网站主动公开各类政府信息": "website_posts",
    "政府门户网站主动公开": "website_posts",
    "共公布政府信息（各渠道）": "proactive_items",
    "主动公开政府信息（各渠道）": "proactive_items",
    "主动公开政府信息": "proactive_items",
    "答复": "applications_handled",
    "答复申请": "applications_handled",
    "办结": "applications_handled",
    "含上年度结转": "applications_carried_in",
    "顺延到下年度": "applications_carried_over",
    "结转下年度": "applications_carried_over",
    "结转至2026年": "applications_carried_over",
    "予以公开及部分公开": "applications_granted_or_partial",
    "不予公开": "applications_denied",
    "无法提供": "applications_unable",
    "无法提供（本机关不掌握等）": "applications_unable",
    "不予处理": "applications_not_processed",
    "其他处理": "applications_other",
    "行政复议": "review_cases",
    "行政诉讼": "litigation_cases",
    "政务新媒体账号": "new_media_accounts",
    "现存政务新媒体": "new_media_accounts",
    "新闻发布会": "press_conferences",
    "政策解读": "policy_interpretations",
    "政策文件解读": "policy_interpretations",
    "解读重要政策文件": "policy_interpretations",
    "公报期数": "bulletin_issues",
    "信息处理费（元）": "info_fee_yuan",
    "本年度制发规范性文件": "normative_docs_issued",
    "本年度制发行政规范性文件": "normative_docs_issued",
    "现行有效行政规范性文件": "normative_docs_in_force",
    "现行有效行政规范性文件（清理后集中发布）": "normative_docs_in_force",
}
# deliberately not facts: table 二 cells, parts of table 四, applicant mix, sub-categories of the
# proactive total, closed accounts, consultation counts, documents published (not issued) or repealed
NOT_MAPPED = {
    "规章",
    "行政规范性文件",
    "已宣布废止规范性文件",
    "政策、规范性文件类信息",
    "疫情防控相关信息",
    "重点领域信息",
    "两微等网上信息、安全提示",
    "涉及自然人",
    "商业企业",
    "复议结果维持",
    "复议结果纠正",
    "复议其他结果",
    "复议尚未审结",
    "诉讼结果维持",
    "诉讼结果纠正",
    "诉讼其他结果",
    "诉讼尚未审结",
    "关停政务新媒体",
    "关停注销政务新媒体",
    "关停政府网站",
    "民意征集",
    "网上调查",
    "在线访谈",
}


def _reader_missing(name: str) -> str | None:
    """Why a report cannot be read here (its reader module is not there yet), else None."""
    module = READERS.get(Path(name).suffix.lower())
    if module and importlib.util.find_spec(f"disclosure_utils.sources.{module}") is None:
        return f"disclosure_utils.sources.{module} is not there yet"
    return None


@cache
def _read(name: str) -> tuple[Document, pd.DataFrame, pd.DataFrame]:
    doc = load_document(reports_dir() / name)
    return (doc, *extract(doc))


def read(name: str) -> tuple[Document, pd.DataFrame, pd.DataFrame]:
    reason = _reader_missing(name)
    if reason:
        pytest.skip(reason)
    return _read(name)


def facts_of(text: str, year: int | None = None) -> pd.DataFrame:
    return extract(Document("phrase.txt", "text", [Paragraph(text, "line 1")]), year)[1]


def has(facts: pd.DataFrame, metric: str, value: float) -> pd.DataFrame:
    return facts[(facts.metric == metric) & (facts.value - value).abs().lt(1e-6)]


@pytest.mark.parametrize(
    "phrase, metric, wrong, right",
    [
        ("受理政府信息公开申请同比增加10件。", "applications_received", 10, None),
        ("受理政府信息公开申请数量同比减少3件。", "applications_received", 3, None),
        ("本年度共受理政府信息公开申请45件，比上年增加10件。", "applications_received", 10, 45),
        ("网站发布信息较上年增加300条，共计1500条。", "website_posts", 300, None),
        ("上年度受理政府信息公开申请30件，本年度共受理政府信息公开申请45件。", "applications_received", 30, 45),
        ("2022年受理政府信息公开申请30件，2023年受理政府信息公开申请45件。", "applications_received", 30, 45),
        ("共受理政府信息公开申请3至5件。", "applications_received", 5, None),
        ("网站发布工作动态120条、通知公告30条、人事信息15条。", "website_posts", 120, None),
        ("网站发布工作动态120条，通知公告30条，人事信息15条。", "website_posts", 120, None),
        ("门户网站发布信息1200条，原创300条。", "website_posts", None, 1200),  # a part, not a kind of a list
        ("门户网站发布信息1200条，较上年增加100条。", "website_posts", None, 1200),
        # the channel after 、 is the next count's
        ("门户网站发布信息120条、微博发布50条。", "website_posts", None, 120),
        ("政府网站发布信息增加到1500条。", "website_posts", None, 1500),  # a level reached, not a change
        ("上年度结转政府信息公开申请3件。", "applications_carried_in", None, 3),  # 上年度 names what is carried in
        ("2023年，共收到政府信息公开申请154件，结转至2024年6件。", "applications_received", None, 154),
        ("受理政府信息公开申请同比增幅10件。", "applications_received", 10, None),
        ("受理政府信息公开申请数量由30件增至45件。", "applications_received", 30, None),
        ("受理政府信息公开申请数量由30件增加至45件。", "applications_received", 30, None),
        ("受理政府信息公开申请数量由30件增长为45件。", "applications_received", 30, None),
        # 全年/当年 are the whole of, or that, year named before them
        ("2022年全年共受理政府信息公开申请30件。", "applications_received", 30, None),
        ("去年全年在门户网站发布信息1200条。", "website_posts", 1200, None),
        ("2023年全年共受理政府信息公开申请45件。", "applications_received", None, 45),
        ("共受理政府信息公开申请3件至5件。", "applications_received", 3, None),
        ("共受理政府信息公开申请3件至5件。", "applications_received", 5, None),
        # the period named last before the count decides; a comparison in another clause frames, a title names none
        ("当前年度共受理政府信息公开申请45件。", "applications_received", None, 45),
        ("与上年相比，本年度共受理政府信息公开申请45件。", "applications_received", None, 45),
        ("较上年同期相比本年度共受理政府信息公开申请45件。", "applications_received", None, 45),
        ("根据《2022年政务公开工作要点》要求，共受理政府信息公开申请45件。", "applications_received", None, 45),
        ("自2020年以来，本年度共受理政府信息公开申请45件。", "applications_received", None, 45),
        # a list of channels, not of kinds
        ("全年在门户网站发布信息1500条、在政务微博发布信息300条、在微信公众号发布信息200条。", "website_posts", None, 1500),
    ],
)
def test_a_change_a_range_end_or_another_years_count_is_not_this_years(phrase, metric, wrong, right):
    """Counts of a report on 2023 that the sentence gives as a change from last year, the end of a range, one
    kind in a list of kinds, or for an earlier year: none is the year's count."""
    facts = facts_of(phrase, 2023)
    if wrong is not None:
        assert has(facts, metric, wrong).empty, facts
    if right is not None:
        assert len(has(facts, metric, right)) == 1, facts


REPORTS = [row["file"] for row in manifest()]
WITH_NARRATIVE = [
    (row["file"], Path(row["expected"]).stem)
    for row in manifest()
    if row["expected"] and expected(Path(row["expected"]).stem).get("narrative")
]


# ----------------------------------------------------------------------------- the seed


@pytest.mark.parametrize(
    "metric, value, phrase",
    [
        ("website_posts", 1235, "门户网站发布动态信息1235条"),
        ("weibo_posts", 1451, "在新浪微博平台发布信息1451条"),
        ("wechat_posts", 522, "微信公众号发布信息522条"),
        ("followers", 5836, "关注人数5836人"),
        ("hotline_messages", 243, "受理安康市12345便民服务平台信件243件"),
        ("gov_service_items", 74, "发布了74项安康自然资源局政务服务事项清单"),
        ("applications_received", 45, "受理群众信息公开申请45件"),
    ],
)
def test_seed_channel_and_request_facts(metric, value, phrase):
    doc, _, facts = read("ankang-natural-resources-2020.txt")
    hit = has(facts, metric, value)
    assert len(hit) == 1, facts[["metric", "value", "raw"]]
    fact = hit.iloc[0]
    assert phrase in fact.evidence and fact.evidence.endswith("。")
    assert doc.text()[fact.start : fact.end] == fact.raw == str(value)
    assert fact.section == "overview" and fact.scope == "agency" and not fact.approx


def test_seed_reports_no_monthly_average_or_table_cell():
    _, _, facts = read("ankang-natural-resources-2020.txt")
    assert not (facts.metric == "page_views").any()  # 每月平均阅读量约2万次 is an average
    assert set(facts.section) == {"overview"}  # nothing from the flattened tables 二–四


# ----------------------------------------------------------------------------- sections


def test_seed_sections_with_and_without_ordinals():
    doc, sections, _ = read("ankang-natural-resources-2020.txt")
    assert list(sections.columns) == SECTION_COLUMNS
    assert list(sections.section) == list(SECTION_CODES)
    assert list(sections.heading) == [
        "一、总体情况",
        "主动公开政府信息情况",  # not the overview's bare sub-heading 主动公开情况 above it
        "收到和处理政府信息公开申请情况",
        "政府信息公开行政复议、行政诉讼情况",
        "存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    text = doc.text()
    for row in sections.itertuples():
        assert row.text == text[row.start : row.end] and row.text.startswith(row.heading)
    assert (sections.end.iloc[:-1].to_numpy() == sections.start.iloc[1:].to_numpy()).all()
    assert text.index("本报告内容包括总体情况") < sections.start.iloc[0]  # the preamble lists the parts


def test_glued_headings_and_the_preamble_that_lists_them():
    doc, sections, _ = read("pingtan-2021.txt")
    text = doc.text()
    assert list(sections.section) == list(SECTION_CODES)
    overview = sections.iloc[0]
    assert overview.heading == "一、总体情况" and overview.text.startswith("一、总体情况2021年，我区")
    assert overview.start > text.index("本报告包括总体情况、主动公开政府信息情况")
    assert sections.heading.iloc[3] == "四、政府信息公开行政复议、行政诉讼情况"


@pytest.mark.parametrize(
    "name, section, heading",
    [
        ("pingtan-lyy-2020.txt", "proactive", "三、主动公开政府信息情况"),  # seven parts
        ("pingtan-lyy-2020.txt", "other", "七、其他需要报告的事项"),
        ("pingtan-jsp-2023.txt", "problems", "五、存在的主要问题及改进措施"),
        ("pingtan-nyn-2023.txt", "other", "六、需要说明的其他事项与附表"),
        ("pingtan-htp-2025.txt", "other", "六、其他需报告的事项"),
        ("pingtan-jjp-2020.txt", "overview", "一总体情况"),  # the 、 lost
        ("pingtan-2018.txt", "overview", "一、概述"),
        ("pingtan-2022.txt", "review_litigation", "四、政府信息公开行政法复议、行政诉讼情况"),
        ("shanghai-gov-office-2019.html", "problems", "五、政府信息公开工作存在的主要问题及改进情况"),
        ("huaian-gov-2024.pdf", "other", "六、其他需要报告的事项"),
    ],
)
def test_heading_variants(name, section, heading):
    _, sections, _ = read(name)
    assert sections.set_index("section").heading[section] == heading


@pytest.mark.parametrize("names", [
    [x for _, x in _NAMED],  # the heading names
    ["abX", "a.c", "abc"],  # names that part at a pattern, not a plain character
    ["政府X", "政[府党]Y", "政府Y"],
    ["概述", "概述X", "概"],  # a name that is a prefix of another
    ["a?bc", "bd", "b"],  # a first character made optional
])
def test_heading_name_trie_finds_what_the_plain_alternation_finds(names):
    """`_trie` matches the names' shared leading characters once, yet finds the same names at the same places as
    an alternation of the names in their order."""
    pattern, order = _trie(list(enumerate(names)))
    plain = re.compile("|".join(f"({name})" for name in names))
    pieces = [*names, *(n[:k] for n in names for k in range(1, 6)), *"、。\n一二三十.", "政府信息", "问题和改进措施"]
    rnd = random.Random(7)
    for _ in range(3000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 10)))
        found = [(m.span(), order[m.lastindex - 1]) for m in re.finditer(pattern, text)]
        assert found == [(m.span(), m.lastindex - 1) for m in plain.finditer(text)], text


def test_rule_metric_tries_the_rules_its_needles_find_as_if_it_tried_every_rule():
    """`_rule_metric` tries only the rules whose needles (plain strings every match of their keyword holds) are in the
    text, yet finds the metric trying every rule of the unit would, on random texts of the keywords' pieces."""

    def every_rule(unit, before, after, clause):
        tried = [
            (distance, order, rule.metric)
            for order, rule in enumerate(RULES)
            if unit in rule.units
            and (distance := _keyword_distance(rule, before, after)) is not None
            and not (rule.exclude and rule.exclude.search(clause))
        ]
        return min(tried)[2] if tried else None

    pieces = sorted({c for r in RULES for c in re.sub(r"\(\?[:<!=]*|[^\w、》]", "", r.keyword)})
    pieces += [n for r in RULES for n in r.needles] + ["2019", "共", "为", "件数为", "，", "历年", "其他"]
    units = sorted({u for r in RULES for u in r.units})
    rnd = random.Random(11)
    stated = 0
    for _ in range(20_000):
        before, after = ("".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 6))) for _ in range(2))
        unit = rnd.choice(units)
        clause = before + "1" + unit + after
        metric = _rule_metric(unit, before, after, clause)
        assert metric == every_rule(unit, before, after, clause), (unit, before, after)
        stated += metric is not None
    assert stated > 2000


def test_the_sentence_at_an_index_is_the_one_a_walk_through_the_text_gives():
    """`_sentence_at` cuts out the sentence holding an index from the index alone, yet gives the sentence a walk
    through the whole text gives (after 。 anywhere, before a boundary, after !? outside “…” and 《…》), on random
    texts."""

    def walk(s, a, b, boundaries):
        out, start, depth = [], a, 0
        for i in range(a, b):
            if i in boundaries and i > start:
                out.append((start, i))
                start = i
            if s[i] in "“《”》":
                depth = max(depth + (1 if s[i] in "“《" else -1), 0)
            elif s[i] == "。" or (s[i] in "!?" and depth == 0):
                out.append((start, i + 1))
                start, depth = i + 1, 0 if s[i] == "。" else depth
        return out + [(start, b)] if start < b else out

    pieces = [*"。!?“”《》，,a1", "文字", "。。", "!”", "“!"]
    rnd = random.Random(3)
    for _ in range(20_000):
        s = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 14)))
        a = rnd.randint(0, len(s))
        b = rnd.randint(a, len(s))
        boundaries = sorted(rnd.sample(range(len(s) + 1), rnd.randint(0, min(4, len(s) + 1))))
        marks = "!" in s[a:b] or "?" in s[a:b]
        for sa, sb in walk(s, a, b, boundaries):
            for i in range(sa, sb):
                assert _sentence_at(s, a, b, i, boundaries, marks) == (sa, sb), (s, a, b, i, boundaries)


def test_extra_section_stays_in_the_one_before_and_missing_sections_are_absent():
    _, sections, _ = read("pingtan-lyy-2020.txt")
    assert "二、政务公开工作主要任务落实情况" in sections.set_index("section").text["overview"]
    _, sections, _ = read("pingtan-czj-2021.txt")
    assert list(sections.section) == list(SECTION_CODES[:5])  # the report has no 六
    _, sections, facts = read("pingtan-gaj-2020.txt")  # title only
    assert sections.empty and facts.empty


# ----------------------------------------------------------------------------- hand-checked values


@pytest.mark.parametrize("name, truth", WITH_NARRATIVE)
def test_expected_narrative_values_are_found(name, truth):
    stated = expected(truth)["narrative"]
    _, _, facts = read(name)
    wanted = [(NARRATIVE_KEYS[k], v) for k, v in stated.items() if k in NARRATIVE_KEYS and v is not None]
    for key, value in stated.get("other_stated", {}).items():
        assert key in OTHER_STATED or key in NOT_MAPPED, f"new other_stated key {key!r}: map it or list it"
        if key in OTHER_STATED:
            number = value if isinstance(value, int | float) else parse_number(value.rstrip("条件"))[0]
            wanted.append((OTHER_STATED[key], number))
    missing = [(m, v) for m, v in wanted if has(facts, m, v).empty]
    assert not missing, facts[["metric", "value", "raw"]].to_string()


def _hand_checked() -> list[dict]:
    with open(HAND_CHECKED, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_hand_checked_table_covers_enough():
    rows = _hand_checked()
    assert len(rows) >= 40 and len({r["file"] for r in rows}) >= 8


@pytest.mark.parametrize("row", _hand_checked(), ids=lambda r: f"{r['file']}:{r['metric']}:{r['value']}")
def test_hand_checked_fact(row):
    _, _, facts = read(row["file"])
    hit = has(facts, row["metric"], float(row["value"]))
    hit = hit[hit.evidence.str.contains(row["evidence"], regex=False)]
    assert len(hit) >= 1, facts[["metric", "value", "raw"]].to_string()
    fact = hit.iloc[0]
    assert (fact.approx, fact.scope, fact.account) == (row["approx"] == "True", row["scope"], row["account"])


@pytest.mark.parametrize(
    "name, metric, value, why",
    [
        ("huaian-gov-2024.pdf", "review_cases", 72, "a part after 其中 (结果维持72件)"),
        ("huaian-gov-2024.pdf", "litigation_cases", 25, "a part after 其中"),
        ("pingtan-2025.txt", "website_posts", 2000, "key-area items, no channel in their clause"),
        ("pingtan-2018.txt", "proactive_items", 1592, "a share after 其中 (…1592条，占76.9%)"),
        ("pingtan-2018.txt", "proactive_items", 477, "a share (…477条，占23.1%)"),
        ("pingtan-zhz-2020.txt", "applications_denied", 431, "documents (份), not applications"),
        ("pingtan-zhz-2020.txt", "hotline_messages", 2905, "信访 complaints, not hotline messages"),
        ("pingtan-hzs-2022.txt", "proactive_items", 19, "the category 其他应主动公开的政府信息"),
        ("pingtan-hzs-2017.txt", "proactive_items", 2238, "历年累计: cumulative"),
        ("pingtan-jtj-2024.txt", "wechat_posts", 1315, "截止 … 累计发送: cumulative"),
        ("pingtan-shs-2022.txt", "wechat_posts", 1210, "截至 …: cumulative since the account opened"),
        ("pingtan-2021.txt", "new_media_accounts", 2, "accounts closed (关停), not run"),
        ("pingtan-scj-2021.txt", "followers", 8434, "新增: new followers, not followers"),
        ("pingtan-scj-2021.txt", "wechat_posts", 104, "one series (《…》系列文章)"),
        ("pingtan-gaj-2022.txt", "website_posts", 24, "one sub-column (子栏目) of the website"),
        ("pingtan-hzs-2022.txt", "policy_interpretations", 8, "8个方面 is not a count of interpretations"),
        ("pingtan-2020.txt", "normative_docs_issued", 5, "已宣布废止规范性文件5件: repealed, not issued"),
        (
            "pingtan-gwh-2023.txt",
            "normative_docs_issued",
            228,
            "历年 … 印发的行政规范性文件228份: cumulative",
        ),
        ("pingtan-gwh-2023.txt", "normative_docs_in_force", 500, "共发布规范性文件500余份: published"),
        (
            "shanghai-gov-office-2019.html",
            "normative_docs_issued",
            60,
            "主动公开 … 行政规范性文件60件: published",
        ),
    ],
)
def test_not_a_fact(name, metric, value, why):
    _, _, facts = read(name)
    assert has(facts, metric, value).empty, why


# ----------------------------------------------------------------------------- every fact


@pytest.mark.parametrize("name", REPORTS)
def test_every_fact_shows_its_number_in_its_evidence(name):
    doc, sections, facts = read(name)
    text = doc.text()
    assert list(facts.columns) == NARRATIVE_COLUMNS
    assert set(sections.section) <= set(SECTION_CODES) and sections.section.is_unique
    for fact in facts.itertuples():
        assert text[fact.start : fact.end] == fact.raw and fact.raw in fact.evidence
        assert fact.evidence in text and fact.section in {"", *SECTION_CODES}
        assert fact.scope in ("agency", "region") and isinstance(fact.approx, bool)
        parsed = parse_number(fact.raw)
        if parsed is None:  # 未收取信息处理费: no number printed, the fee is 0
            assert (fact.metric, fact.value) == ("info_fee_yuan", 0) and "处理费" in fact.raw
            continue
        value, approx = parsed
        assert (
            math.isclose(fact.value, value * (10000 if fact.unit == "万元" else 1)) and fact.approx == approx
        )
        assert fact.raw not in ("2019", "2020", "2021", "2022", "2023", "2024", "2025"), "a year"


# ----------------------------------------------------------------------------- printed phrasings


@pytest.mark.parametrize(
    "raw, value, approx",
    [
        ("1.18万", 11800, False),
        ("160多万", 1600000, True),
        ("三十二", 32, False),
        ("一百零五", 105, False),
        ("1,235", 1235, False),
        ("5500余", 5500, True),
        ("超112万", 1120000, True),
        ("１２３５", 1235, False),
        ("2.9万余", 29000, True),
    ],
)
def test_parse_number(raw, value, approx):
    assert parse_number(raw) == (value, approx)


@pytest.mark.parametrize("raw", ["一", "十九大", "2021年", "33.9%", "abc"])
def test_parse_number_refuses(raw):
    assert parse_number(raw) is None


def test_parts_after_qizhong_are_not_the_total():
    facts = facts_of("主动公开政府信息345条，其中主动公开规章11条、行政规范性文件8条。")
    assert list(zip(facts.metric, facts.value, strict=True)) == [("proactive_items", 345)]
    facts = facts_of("受理政府信息公开申请45件，其中全部公开14件，部分公开22件。")
    assert list(facts.metric) == ["applications_received", "applications_granted", "applications_partial"]


def test_a_channel_count_needs_its_own_channel():
    facts = facts_of(
        "通过门户网站和政务新媒体等形式主动公开政府信息1.18万条，有粉丝160多万，发布2436条微博。"
    )
    assert list(zip(facts.metric, facts.value, facts.approx, strict=True)) == [
        ("proactive_items", 11800, False),
        ("followers", 1600000, True),
        ("weibo_posts", 2436, False),
    ]


def test_numbers_that_are_not_counts():
    facts = facts_of(
        "根据国办函〔2020〕109号，2021年第3次会议上，办结申请81件，其中予以公开及部分公开42件，占51.85%；"
        "电话：0591-23165370；召开新闻发布会三十二场。"
    )
    assert list(zip(facts.metric, facts.value, strict=True)) == [
        ("applications_handled", 81),
        ("applications_granted_or_partial", 42),
        ("press_conferences", 32),
    ]


def test_scope_account_and_fee():
    facts = facts_of(
        "2024年，全市共受理政府信息公开申请3119件。通过“平潭发布”微信公众号发布信息672条。"
        "全年收取信息处理费共计400元。2025年本机关未收取信息处理费。"
    )
    got = facts[["metric", "value", "scope", "account", "unit"]].to_dict("records")
    assert got == [
        dict(metric="applications_received", value=3119, scope="region", account="", unit="件"),
        dict(metric="wechat_posts", value=672, scope="agency", account="平潭发布", unit="条"),
        dict(metric="info_fee_yuan", value=400, scope="agency", account="", unit="元"),
        dict(metric="info_fee_yuan", value=0, scope="agency", account="", unit=""),
    ]
    assert facts.raw.iloc[-1] == "未收取信息处理费"


def test_normative_documents_issued_and_in_force():
    facts = facts_of(
        "本年度印发行政规范性文件6件，现行有效件数40件。主动公开规范性文件类信息5条。已宣布废止规范性文件3件，"
        "清理规范性文件7件，制定规范性文件解读材料4件。现行有效件数12件。历年累计制发规范性文件90件。"
    )
    normative = facts[facts.metric.str.startswith("normative_docs")]
    assert list(zip(normative.metric, normative.value, strict=True)) == [
        ("normative_docs_issued", 6),
        ("normative_docs_in_force", 40),  # 现行有效件数 counts 规范性文件 only in a sentence about them
    ]


def test_offsets_survive_nfkc_that_changes_lengths():
    text = "㈠门户网站……发布动态信息１２３５条；\n⑩政务微博发布信息７条。"  # ㈠ → (一), … → ..., ⑩ → 10
    doc = Document("phrase.txt", "text", [Paragraph(text, "line 1")])
    facts = extract(doc)[1]
    assert list(zip(facts.metric, facts.value, facts.raw, strict=True)) == [
        ("website_posts", 1235, "１２３５"),
        ("weibo_posts", 7, "７"),
    ]
    assert all(text[a:b] == raw for a, b, raw in zip(facts.start, facts.end, facts.raw, strict=True))
    assert facts.evidence.tolist() == [
        "㈠门户网站……发布动态信息１２３５条；",
        "⑩政务微博发布信息７条。",
    ]  # the line break


def test_glued_table_text_gives_no_facts():
    text = (
        "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
        "行政规范性文件693665三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，"
        "等于第三项加第四项之和）申请人情况自然人法人或其他组织总计一、本年新收政府信息公开申请数量15130000154"
    )
    sections, facts = extract(Document("glued.txt", "text", [Paragraph(text, "line 1")]))
    assert list(sections.section) == ["proactive", "requests"] and facts.empty


def test_a_grid_without_rows_prints_nothing():
    """A DOCX table with no rows adds no line to the document's text, and the sections, facts and grid spans
    after it are those of the same document without it."""
    doc = load_document(reports_dir() / "ankang-natural-resources-2020.txt")
    blocks = list(doc.blocks)
    first_grid = next(i for i, b in enumerate(blocks) if isinstance(b, Grid))
    with_empty = Document(doc.path, doc.format, [*blocks[:first_grid], Grid((), "table 0"), *blocks[first_grid:]])
    assert with_empty.text() == doc.text() and with_empty.tail(400) == doc.tail(400)
    assert extract_records(with_empty) == extract_records(doc)
    assert _normalise(with_empty).grids == _normalise(doc).grids


# --------------------------------------------------------------------------- count hints marked at once

HINT_PIECES = [*"0123456789一二三四五六七八九十百千零〇两余多万亿以上件条人次个元家第、。 ", "٣", "𝟏", "\U000104a1",
               "\ud800", "约5万元", "三十二件", "1,235条", "2022年", *UNITS]  # fmt: skip


def test_count_hints_are_where_the_pattern_matches():
    """`count_hints` marks candidate places with a table lookup: it finds what `_COUNT_HINT.finditer` finds, on
    every bundled text report and on random strings of numerals, every unit and other scripts' digits."""
    rng = random.Random(20261126)
    texts = [_normalise(load_document(p)).s for p in sorted(RAW.glob("*.txt"))]
    texts += ["".join(rng.choice(HINT_PIECES) for _ in range(rng.randint(0, 12))) for _ in range(20_000)]
    found = 0
    for s in texts:
        hints = count_hints(s)
        assert hints == [m.start() for m in _COUNT_HINT.finditer(s)], s
        found += len(hints)
    assert found > 10_000


def test_normalised_text_is_nfkc_without_spaces_wherever_the_odd_characters_are():
    """The characters NFKC changes are found by a table lookup (charscan): compatibility forms of the BMP and
    past it, and the expansions that change offsets, all come out as NFKC writes them; the ASCII comma stays."""
    text = "①全区收到申请１２件，㈠其中𝟏件；ｆｕｌｌ　width\u2028末\ud800尾"
    t = _normalise(Document(path="x.txt", format="text", blocks=[Paragraph(text, "line 1")]))
    assert t.s == "".join(c if c == "，" else unicodedata.normalize("NFKC", c) for c in text if not c.isspace())
    assert t.s.startswith("1全区收到申请12件，(一)其中1件;fullwidth")
