"""Sections and narrative facts (channel activity, stated counts) with their evidence.

`extract(doc)` returns two frames:

- sections (`SECTION_COLUMNS`): section code (overview, proactive, requests, review_litigation,
  problems, other), heading as printed, start/end offsets into `doc.text()`, text. Headings count
  with an ordinal (一、总体情况, glued to the text or not) or, without one, alone on their line or
  directly followed by a glued table; a preamble listing the parts is never a heading. An unknown
  extra section (二、政务公开工作主要任务落实情况, pre-2019 收费及减免) stays inside the one before it.
- facts (`NARRATIVE_COLUMNS`): one row per number the narrative states for a metric.

Metrics (value as a count unless said):

=============================== =========================================================
website_posts                   items posted on the (portal) website: 网站…发布信息 N 条
weibo_posts / wechat_posts      posts on 政务微博 / 微信公众号
new_media_posts                 posts on 政务新媒体 in general
new_media_accounts              政务新媒体 accounts run (not those closed or newly opened)
followers                       粉丝 / 关注人数 / 关注用户 / 用户 (not 新增)
page_views                      浏览量 / 访问量 / 阅读量 / 阅读次数 / 点击量 / 播放量 (no averages)
press_conferences               新闻发布会 / 发布活动 held
policy_interpretations          政策解读 published
gov_service_items               政务服务事项 listed
bulletin_issues                 政府公报 issues (期)
hotline_messages                12345 / 热线 / 留言 / 信箱 / 来信 messages received or handled
info_fee_yuan                   信息处理费 charged, in 元 (未收取/没有产生 … → 0)
proactive_items                 主动公开政府信息 N 条 with no single channel named
normative_docs_issued           the agency's own 规范性文件 of the year: 本年度制发/制定/印发 (行政)规范性文件 N 件
                                (not 历年/累计 counts, nor those 废止, 清理 or 解读, nor 规范性文件类信息 N 条)
normative_docs_in_force         现行有效 (行政)规范性文件 N 件; 现行有效件数 N 件 in a sentence about 规范性文件
applications_received           收到/受理/新收/接收 … 申请 N 件; also 全年办理 … 申请 N 件
applications_handled            办结/答复/办理完毕 N 件
applications_carried_over       结转/顺延 下年度 N 件, N 件 … 办理中
applications_carried_in         上年度结转 / 结转上年度 N 件
applications_granted_or_partial 予以公开及部分公开 N 件
applications_granted            予以/全部/同意 公开, 公开答复 N 件
applications_partial            部分公开 N 件
applications_denied             不予公开 N 件
applications_unable             无法提供 N 件
applications_not_held           不掌握 (相关信息) N 件
applications_not_processed      不予处理 N 件
applications_other              其他处理 / 其他情况 N 件
review_cases                    行政复议 N 件/起
litigation_cases                (行政)诉讼 N 件/起
=============================== =========================================================

Rules, chosen for precision over recall:

- A number counts only with a unit word after it (条, 件, 次, 人, 篇, 期, 场, 项, 个, 元 …), or a
  万/亿 multiplier for followers and page views. Years, dates, document numbers, phone numbers,
  ordinals (第 N), percentages, N 个方面/领域 and numbers inside 《》 are never facts. 1.18万 → 11800,
  160多万 → 1600000, 三十二 → 32, 1,235 → 1235; 余/多/超/近/约/逾/突破/以上 set `approx`.
- A number is read against its own clause (split at ，,;: outside “…” and 《…》), from the count
  before it: the metric's keyword must be there, the nearest keyword wins. A post count names its
  one channel in its clause (two channels: none, but a channel named after 、/和/及/与 and before the
  next count is that count's; 微博、微信分别发布 N 条和 M 条 pairs them), or is a
  bare "共发布 N 条" right after a clause naming one channel. 栏目/专栏 counts, 依申请 counts, and
  counts after 历年/截至 in the sentence (cumulative) are not posts or views.
- A change (同比增加 N 件: a count right after 增加/减少/增长/增幅 …), the start of a change (由 N 件增至),
  either end of a range (3至5件, 3件至5件), a count for another year (the last period named before it is
  上年度/去年/前年 in its clause, or a year of its sentence earlier than the report's, unless 本年/今年 is named
  after it; 全年/当年 name no period of their own, 上年度结转 is carried in, a year in 《…》 or 2020年以来 names
  none), and one kind in a list of post kinds (工作动态120条、通知公告30条, or one kind to a clause:
  工作动态120条，通知公告30条) are not facts.
- Parts after 其中 are never reported as the total's metric (a part with the same metric as the
  total before 其中 is dropped); parts of other metrics (其中予以公开 N 件) are kept. Counts given
  with their share (…N 条，占 x%) are left out, except request dispositions.
- Table text is skipped: grid blocks, sentences carrying table labels (第二十条第, 信息内容,
  申请人情况, 本列数据 …) and, in sections 二–四, sentences with a run of 7+ digits.
- Request metrics need 申请 in the sentence or the one before (review/litigation: or 公开 in the
  sentence), and no hotline or petition words (12345, 信访, 投诉, 留言 …) in the sentence.
- scope is "region" when the sentence, up to the number's clause, speaks of 全市/全区/全县/全省,
  各级, 我区各… or 公开单位; else "agency". account is the quoted account in the number's clause
  (“平潭发布”微信公众号 → 平潭发布), or for post, follower and view counts the one in the nearest
  earlier clause of the sentence that names a channel.
- 信息处理费: N 元/万元 → value in 元; 未收取/没有产生/无收取 … 处理费 → 0, raw the phrase, unit "".
- evidence is the sentence as printed; start/end and raw are the number as printed (with its
  approximation markers and multiplier, without the unit).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from re import _constants, _parser  # the parsed keywords give the rules' needles
from typing import NamedTuple

import pandas as pd

from .document import Document, from_fields
from .narrative_numbers import UNITS, _Qty, _quantities, cn_number, count_hints, parse_number
from .narrative_sections import SECTION_CODES, _sections
from .narrative_text import _clauses, _find_all, _normalise, _sentence_at, _Text
from .schema import NARRATIVE_COLUMNS, NARRATIVE_DTYPES, SECTION_COLUMNS, SECTION_DTYPES, frame

__all__ = ["NARRATIVE_COLUMNS", "RULES", "SECTION_CODES", "SECTION_COLUMNS", "UNITS", "cn_number", "extract",
           "extract_records", "parse_number"]  # fmt: skip

# the channels' names and the channel each names; no two names of different channels overlap, so one search finds
# what one search per channel would (an alternation of plain names: a search skips ahead to their first characters)
_CHANNEL_OF = {
    **dict.fromkeys(("网站", "门户网", "政府网", "官网"), "website"),
    "微博": "weibo",
    **dict.fromkeys(("微信", "公众号", "公众平台"), "wechat"),
    **dict.fromkeys(("新媒体", "抖音", "头条号", "视频号", "客户端", "APP", "App"), "new_media"),
}
_CHANNELS = re.compile("|".join(_CHANNEL_OF))
_ACCOUNT = re.compile(
    r"“([^”“]{2,30})”(?:官方)?(微信公众号|微信公众平台|微信|公众号|政务微博|新浪微博|微博|抖音号|抖音|视频号|头条号|客户端|APP|App)"
)
_POST_METRIC = {"website": "website_posts", "weibo": "weibo_posts", "wechat": "wechat_posts",
                "new_media": "new_media_posts"}  # fmt: skip
_POST_UNITS = {"条", "篇", "条次", "篇次"}
_POST_VERB = re.compile(r"发布|推送|发送|发表|更新|公开|刊发|刊登|上传|公布")
_POST_NOUN = re.compile(r"信息|文章|稿件|动态|内容|讯息|图文|作品|视频")
_REGION = re.compile(r"全(?:省|市|区|县|州|盟|旗)|各级|我(?:省|市|区|县)各|公开单位")
_CHANNEL_MENTION = re.compile(
    r"网|栏目|专栏|微博|微信|公众号|公众平台|新媒体|抖音|头条号|视频号|客户端|APP|App"
)
_CUMULATIVE = re.compile(r"历年|截至|截止")
# a clause that only names a kind of item before its count (通知公告30条), not a part (原创300条, 其中…), a
# total, a comparison, an average, a verb or a channel
_KIND = re.compile(r"[\u4e00-\u9fff]{2,10}")
_NOT_A_KIND = re.compile(
    r"其中|原创|转载|共|累计|合计|较|比|同|增|减|均|" + _POST_VERB.pattern + "|" + _CHANNEL_MENTION.pattern
)
# A count that is a change from last year (同比增加10件), where a change starts (由30件增至…), a range's ends
# (3至5件, 3件至5件), or a count for another period (上年度受理30件; 2022年受理30件 in a report on 2023): not
# this year's count.
_CHANGE_VERBS = ("增加", "减少", "增长", "下降", "上升", "提高", "降低", "回落")
_CHANGE = tuple(w + le for w in (*_CHANGE_VERBS, "增幅", "降幅", "减幅") for le in ("", "了"))  # right before
_CHANGE_TO = ("增至", "减至", "升至", "降至", "变为", *(v + to for v in _CHANGE_VERBS for to in ("至", "到", "为")))
_RANGE_MARKS = frozenset("至到~～-—")
_LIST_MARKS = frozenset("、和及与")  # between the items of a list in one clause
# The periods a sentence names, each by its 年 and the characters before it: another year (上年度, 上一年, 去年,
# 前年; not 当前年, nor 上年度结转, what is carried in), this year (本年, 今年), or a year (20NN年; not one in a title
# 《…》, nor 2020年以来/起). 全年 and 当年 name none: they are the whole of, or that, year named before them.
_THIS_YEAR = frozenset("本今")
_FOLLOW_ON = re.compile(
    r"(?:\d{4}年度?|今年|本年度?)?(?:并|同时|共|累计|全年|年内|共计|及时)*(?:发布|推送|发送|发表|更新|刊发)"
)
_TABLE_TEXT = re.compile(
    r"第二十条第|信息内容|本年新制作|本年制发件数|申请人情况|本列数据|结果维持结果纠正|尚未审结总计|"
    r"自然人法人|商业企业科研机构|指标名称|计量单位"
)
_NO_FEE = re.compile(r"(?:未|没有|无)(?:收取|产生)(?:任何)?(?:政府)?(?:信息)?(?:公开)?(?:信息)?处理费")
_HOTLINE_WORDS = re.compile(r"12345|热线|信访|投诉|来信|来电|留言|信箱|诉求|咨询|提案|建议")
_REQUEST_WORD = "申请"  # a count of requests or cases is about requests only in or after a sentence naming it
_LONG_NUMBER = re.compile(r"\d\d{6,}")  # a class first, so that a search skips ahead
_QIZHONG_FIRST = re.compile(r"\W{0,2}其中")
_COLUMN = re.compile(r"栏目|专栏")
_NOT_POSTS = re.compile(r"栏目|专栏|依申请")
_SERIES = re.compile(r"《|\S{0,12}系列")
_TOTAL_WORD = re.compile(r"共|累计")
_SHARE = re.compile(r"占\S{0,8}?\d+(?:\.\d+)?%")

_DISPOSITION = {"件"}
_APP = {"件", "份", "个", "条", "项", "宗"}
_CASE = {"件", "起", "宗", "个"}
_COUNT_FILL = r"(?:信息数|[”\"]?的?件数为?|为|共|共计)?"
_ACCOUNT_CHANGE = r"关停|注销|新增|新开设|新开通|关闭|撤销|整合|原有|调整|清理|下线|停更|检查"


@dataclass(frozen=True)
class _Rule:
    """A metric's keyword before the number (…keyword filler N unit) or after it (N unit filler keyword)."""

    metric: str
    units: frozenset[str]
    keyword: str  # the keyword alone (a regex)
    pattern: re.Pattern  # matches the end of the segment before the number, or the segment after the unit
    after: bool
    lead: re.Pattern | None  # after-rules: must match the end of the segment before the number
    exclude: re.Pattern | None  # the clause must not match
    needles: tuple[str, ...]  # every match of the keyword holds one of these strings


def _rule(metric, units, keyword, fill="", *, after=False, lead=None, exclude=None) -> _Rule:
    pattern = f"{fill}(?P<k>{keyword})" if after else f"(?P<k>{keyword}){fill}$"
    needles = _needles(_parser.parse(keyword))
    if not needles:
        raise ValueError(f"no plain characters every match of {keyword!r} holds")
    return _Rule(
        metric,
        frozenset(units),
        keyword,
        re.compile(pattern),
        after,
        re.compile(f"(?:{lead})$") if after and lead else None,
        re.compile(exclude) if exclude else None,
        needles,
    )


def _needles(items) -> tuple[str, ...]:
    """Strings one of which every match of a parsed regex holds, the shortest as long as can be: a run of plain
    characters it must match, or the strings of a group (without flags) or an alternation it must match; () if there
    are none."""
    options, run = [], ""
    for op, av in items:
        run = run + chr(av) if op is _constants.LITERAL else ""
        options.append((run,) if run else ())
        if op is _constants.SUBPATTERN and not av[1]:
            options.append(_needles(av[-1]))
        elif op is _constants.BRANCH and all(branches := [_needles(branch) for branch in av[1]]):
            options.append(tuple(n for b in branches for n in b))
    return max(filter(None, options), key=lambda o: min(map(len, o)), default=())


RULES = [
    _rule("applications_granted_or_partial", _DISPOSITION, r"予以公开(?:及|和|与|、)部分公开", _COUNT_FILL),
    _rule("applications_partial", _DISPOSITION, r"(?<![及和与、])部分公开", _COUNT_FILL),
    _rule("applications_granted", _DISPOSITION, r"予以公开|全部公开|同意公开|公开答复", _COUNT_FILL),
    _rule("applications_denied", _DISPOSITION, r"不予公开", _COUNT_FILL),
    _rule("applications_unable", _DISPOSITION, r"无法提供", _COUNT_FILL),
    _rule("applications_not_held", _DISPOSITION, r"不掌握(?:相关)?(?:政府)?(?:信息)?", _COUNT_FILL),
    _rule("applications_not_processed", _DISPOSITION, r"不予处理", _COUNT_FILL),
    _rule("applications_other", _DISPOSITION, r"其他处理|其他情况", _COUNT_FILL),
    _rule("applications_carried_in", _APP, r"上一?年度?结转|结转上一?年度?", r"\S{0,16}?"),
    _rule("applications_carried_over", _APP, r"(?:结转|顺延)(?:至|到)?(?:下一?年度?|\d{4}年度?)", r"\S{0,6}"),
    _rule(
        "applications_carried_over",
        _APP,
        r"(?:结转|顺延)(?:至|到)?下一?年度?|办理中",
        r"\S{0,24}?",
        after=True,
    ),
    _rule(
        "applications_handled",
        _APP,
        r"办结|答复|办理完毕|办复|已办理|完成答复",
        r"\S{0,18}?",
        exclude=r"历年|累计受理",
    ),
    _rule("applications_handled", _APP, r"办理完毕|办结|答复", r"\S{0,10}?", after=True),
    _rule(
        "applications_received",
        _APP,
        r"(?:收到|受理|新收|接收|接到|(?<!已)办理)\S*?申请",
        r"\S{0,8}?",
        exclude=r"历年|累计受理",
    ),
    _rule(
        "applications_received",
        _APP,
        r"申请",
        r"\S{0,3}?",
        after=True,
        lead=r"(?:收到|受理|新收|接收|接到)\S{0,6}",
    ),
    _rule(
        "review_cases",
        _CASE,
        r"行政复议",
        r"(?:案件|申请)?(?:共|共计|数)?\S{0,2}?",
        exclude=r"历年|维持|纠正|驳回",
    ),
    _rule(
        "litigation_cases",
        _CASE,
        r"诉讼",
        r"(?:案件)?(?:共|共计|数)?\S{0,2}?",
        exclude=r"历年|维持|纠正|驳回",
    ),
    _rule("info_fee_yuan", {"元", "万元"}, r"信息处理费", r"\S{0,10}?"),
    _rule(
        "press_conferences", {"场", "次", "期", "场次"}, r"(?:新闻)?发布(?:会|活动)", r"(?:共|共计)?\S{0,2}?"
    ),
    _rule("press_conferences", {"场", "次", "场次"}, r"新闻发布(?:会|活动)", r"\S{0,10}?", after=True),
    _rule(
        "policy_interpretations",
        {"篇", "件", "条", "个", "次", "期", "篇次", "项", "份"},
        r"(?<![及和与、])解读",
        r"类?(?:政策性?文件|信息|材料|稿件|文章|产品)?\S{0,8}?",
        exclude=r"历年",
    ),
    _rule(
        "policy_interpretations",
        {"篇", "件", "项", "个", "份"},
        r"解读(?!深度|质量|形式)",
        r"\S{0,40}?(?:政策|文件)\S{0,8}?(?:进行|予以|开展)?",
        after=True,
    ),
    _rule("gov_service_items", {"项", "个"}, r"政务服务事项", r"\S{0,10}?"),
    _rule("gov_service_items", {"项", "个"}, r"政务服务事项", r"\S{0,20}?", after=True),
    _rule("bulletin_issues", {"期"}, r"公报》?", r"\S{0,8}?"),
    _rule(
        "followers",
        {"人", "名", "户", "位", ""},
        r"粉丝|关注人数|关注用户|关注量|订阅用户|订阅数|用户",
        r"(?:数|量|数量)?(?:已|总数)?(?:达到|达|突破|超过|共|为)?",
        exclude=r"新增",
    ),
    _rule(
        "page_views",
        {"次", "人次", ""},
        r"浏览量|访问量|阅读量|点击量|阅读次数|浏览次数|点击浏览数量|播放量|访问次数",
        r"(?:已|即|累计)?(?:达到|达|突破|超过|共|为)?",
        exclude=r"平均|月均|日均|每月|每日|每天|每周",
    ),
    _rule(
        "hotline_messages",
        {"件", "条", "次", "人次", "个"},
        r"12345|热线|留言|信件|来信|信箱",
        r"\S{0,20}?",
        exclude=r"历年|满意|信访",
    ),
    _rule(
        "hotline_messages",
        {"件", "条", "次", "人次", "个"},
        r"留言|信件|来信",
        r"\S{0,9}?",
        after=True,
        exclude=r"历年|满意|信访",
    ),
    _rule(
        "new_media_accounts",
        {"个", "家"},
        r"政务新媒体|新媒体",
        r"(?:账号|平台|数量)?(?:共计|共有|共|总数|数量)?(?:为|达)?",
        exclude=_ACCOUNT_CHANGE,
    ),
    _rule("new_media_accounts", {"个", "家"}, r"政务新媒体|新媒体账号", after=True, exclude=_ACCOUNT_CHANGE),
    _rule(
        "normative_docs_issued",
        {"件", "份"},
        r"(?:制发|制定|印发)[了的]?(?:行政)?规范性文件",
        r"(?:共计|共|数量为|为)?",
        exclude=r"历年|累计",
    ),
    _rule(
        "normative_docs_in_force",
        {"件", "份"},
        r"现行有效的?(?:行政)?规范性文件|现行有效件数",
        r"(?:共计|共|为|达)?",
    ),
    _rule(
        "proactive_items",
        {"条", "件", "份"},
        r"(?<!应)(?<!应当)(?:主动公开|主动发布|公布)[了的]?(?:(?!其他)\S){0,16}?(?:政府|政务)?信息|政府信息主动公开"
        r"|(?<!应)(?<!应当)主动公开",
        r"(?:数|总数|总量)?(?:共计|共|达|为)?",
        exclude=r"历年|依申请",
    ),
]
_CHANNEL_METRICS = {"followers", "page_views", *_POST_METRIC.values()}
_REQUEST_METRICS = {r.metric for r in RULES if r.metric.startswith("applications_")}
_CASE_METRICS = {"review_cases", "litigation_cases"}


def _finder(rules: list[tuple[int, _Rule]]) -> tuple[re.Pattern, dict[str, tuple[int, ...]]]:
    """A regex of the needles of `rules` (each with its place in RULES), the longest first, and the places of the
    rules each needle found stands for: its own and those of its needles that start it (a needle hides those at its
    start: they are found with it). A rule is tried only when one of its needles is in the text on its side (most
    counts are near none, most others near one rule's); a regex of plain strings skips ahead to their first
    characters."""
    needles = sorted({n for _, r in rules for n in r.needles}, key=lambda n: (-len(n), n))  # not by set order
    found = {n: tuple(i for i, r in rules if any(map(n.startswith, r.needles))) for n in needles}
    return re.compile("|".join(map(re.escape, needles))), found


_FINDERS = {  # (unit, after: the keyword after the number) → _finder
    (u, after): _finder(rules)
    for u in {u for r in RULES for u in r.units}
    for after in (False, True)
    if (rules := [(i, r) for i, r in enumerate(RULES) if u in r.units and r.after == after])
}


class _Clause(NamedTuple):
    """s[a:b], one clause of a sentence, and the counts in it."""

    a: int
    b: int
    qtys: list[_Qty]


def _channels(text: str) -> list[str]:
    """Channels a clause names, in order; 新媒体 gives way to a 微博 or 微信 named with it."""
    names = list(dict.fromkeys(map(_CHANNEL_OF.get, _CHANNELS.findall(text))))
    if "new_media" in names and ("weibo" in names or "wechat" in names):
        names.remove("new_media")  # 政务新媒体“…”微信公众号: the account is the channel
    return names


def _rule_metric(unit: str, before: str, after: str, clause: str) -> str | None:
    """The metric of the rule whose keyword is nearest the number (on a tie the longer keyword, then the rule
    listed first), of those for the unit that the clause does not exclude."""
    best = None
    for side, segment in ((False, before), (True, after)):
        finder, rules = _FINDERS.get((unit, side), (None, None))
        found = set()
        m = finder.search(segment) if finder else None
        while m:  # each needle in the segment
            found.update(rules[m[0]])
            m = finder.search(segment, m.start() + 1)
        for order in found:
            rule = RULES[order]
            distance = _keyword_distance(rule, before, after)  # far more often None than the clause excluded
            if distance is None or (rule.exclude and rule.exclude.search(clause)):
                continue
            if best is None or (distance, order) < best[:2]:
                best = (distance, order, rule.metric)
    return best[2] if best else None


def _keyword_distance(rule: _Rule, before: str, after: str) -> tuple[int, int] | None:
    """(characters between the number and the rule's keyword, -keyword length), or None if it does not match."""
    if rule.after:
        m = rule.pattern.match(after)
        if m is None or (rule.lead is not None and rule.lead.search(before) is None):
            return None
        return m.start("k"), m.start("k") - m.end("k")
    m = rule.pattern.search(before)  # the keyword that starts latest: searched again from one further on
    while m and (later := rule.pattern.search(before, m.start() + 1)):
        m = later
    return None if m is None else (len(before) - m.end("k"), m.start("k") - m.end("k"))


class _Extractor:
    """Walks the sentences of each section and records the facts they state."""

    def __init__(self, t: _Text, pdf: bool, year: int | None = None):
        self.t, self.year = t, year
        self.periods: tuple[int, list] | None = None  # (sentence start, the periods it names: `_periods`)
        self.section = (0, 0, False)  # start and end of the section being read, and whether it holds a !?
        self.breaks = [] if pdf else sorted(t.line_starts)
        self.hints = count_hints(t.s)
        self.records: list[dict] = []

    def run(self, spans: list[tuple[str, int, int]]) -> None:
        """Read the sentences of each section that a count hint or 处理费 is in, each cut out from where it is found:
        most sentences state neither a count nor a fee, and are never cut out."""
        s = self.t.s
        first = spans[0][1] if spans else len(s)
        for code, a, b in [("", 0, first), *spans]:
            marks = s.find("!", a, b) >= 0 or s.find("?", a, b) >= 0
            hints = self.hints[bisect_left(self.hints, a) : bisect_left(self.hints, b)]
            carry = None  # metric of the last fact, for a sentence that starts with 其中
            self.section = a, b, marks
            sb = a
            for i in sorted([*hints, *_find_all(s, "处理费", a, b)]):
                if i < sb:
                    continue  # in the sentence read last
                sa, sb = _sentence_at(s, a, b, i, self.breaks, marks)
                # a count or a fee not charged (处理费 looked for first, far cheaper than _NO_FEE)
                stated = self._hinted(sa, sb) or (s.find("处理费", sa, sb) >= 0 and _NO_FEE.search(s, sa, sb))
                if stated and not self._is_table(code, sa, sb):
                    carry = self._sentence(code, sa, sb, carry)

    def _hinted(self, a: int, b: int) -> bool:
        """s[a:b] has a `_COUNT_HINT`, so it may state a count."""
        i = bisect_left(self.hints, a)
        return i < len(self.hints) and self.hints[i] < b

    def _is_table(self, code: str, a: int, b: int) -> bool:
        s = self.t.s
        if self.t.in_grid(a, b) or _TABLE_TEXT.search(s, a, b):
            return True
        return (
            code in ("proactive", "requests", "review_litigation")
            and _LONG_NUMBER.search(s, a, b) is not None
        )

    def _sentence_before(self, sa: int) -> str:
        """The sentence before the one that starts at sa, in the section being read ("" before its first)."""
        a, b, marks = self.section
        return self.t.s[slice(*_sentence_at(self.t.s, a, b, sa - 1, self.breaks, marks))] if sa > a else ""

    def _sentence(self, code: str, sa: int, sb: int, carry: str | None) -> str | None:
        s = self.t.s
        sentence = s[sa:sb]
        clauses = [
            from_fields(_Clause, (a, b, _quantities(s, a, b) if self._hinted(a, b) else []))
            for a, b in _clauses(s, sa, sb)
        ]
        qizhong = sentence.find("其中")
        qizhong = sa + qizhong if qizhong >= 0 else None
        total_metric = carry if _QIZHONG_FIRST.match(sentence) else None
        last_metric = None
        for k, clause in enumerate(clauses):
            for j, q in enumerate(clause.qtys):
                metric = self._metric(clauses, k, j, sentence)
                if metric is None:
                    continue
                if qizhong is not None and q.a > qizhong and total_metric is None:
                    total_metric = last_metric
                if qizhong is not None and q.a > qizhong and metric == total_metric:
                    continue  # a part listed after 其中, not the total
                if metric not in _REQUEST_METRICS and _shares(s, clauses, k):
                    continue
                last_metric = metric
                value = q.value * (10000 if q.unit == "万元" else 1)
                self._add(code, clauses, k, sa, sb, metric, value, q.unit, q.approx, q.a, q.b)
        for m in _NO_FEE.finditer(s, sa, sb) if "处理费" in sentence else ():  # the fee named: searched only then
            k = next(i for i, c in enumerate(clauses) if c.a <= m.start() < c.b)
            self._add(code, clauses, k, sa, sb, "info_fee_yuan", 0.0, "", False, *m.span())
        return last_metric or carry

    def _metric(self, clauses: list[_Clause], k: int, j: int, sentence: str) -> str | None:
        """The metric the j-th count of clause k states, or None (also when it is not this year's count)."""
        s = self.t.s
        clause = clauses[k]
        q = clause.qtys[j]
        seg_a = clause.qtys[j - 1].end if j else clause.a
        qz = s.rfind("其中", seg_a, q.a)
        seg_a = qz + 2 if qz >= 0 else seg_a
        seg_b = clause.qtys[j + 1].a if j + 1 < len(clause.qtys) else clause.b
        before, after = s[seg_a : q.a], s[q.end : seg_b]
        metric = self._stated(clauses, k, j, sentence, before, after)
        if metric is None:
            return None
        ends, starts = before.rstrip(), after.lstrip()
        if (
            ends.endswith(_CHANGE)
            or starts.startswith(_CHANGE_TO)
            or (ends[-1:] in _RANGE_MARKS and (ends[:-1].rstrip()[-1:].isdigit() or (j and not ends[:-1].strip())))
            or (starts[:1] in _RANGE_MARKS and j + 1 < len(clause.qtys) and not starts[1:].strip())
            or self._other_period(clauses, clause.a, q.a)
        ):
            return None
        return metric

    def _stated(self, clauses: list[_Clause], k: int, j: int, sentence: str, before: str, after: str) -> str | None:
        """The metric the j-th count of clause k is stated as, `before` and `after` it the text to the counts
        beside it, or None."""
        s = self.t.s
        clause = clauses[k]
        q = clause.qtys[j]
        text = s[clause.a : clause.b]
        metric = _rule_metric(q.unit, before, after, text)
        if metric in (None, "proactive_items"):  # one channel named: its post count; several: the total
            channel = self._post_channel(clauses, k, j, before, after)
            if channel or (metric is None or len(_channels(before + after[:5])) == 1):
                return channel
        if metric in _REQUEST_METRICS or metric in _CASE_METRICS:
            if _HOTLINE_WORDS.search(sentence):
                return None
            if not (
                _REQUEST_WORD in sentence  # else in the sentence before, or across the two as if joined
                or _REQUEST_WORD in sentence[1 - len(_REQUEST_WORD) :] + self._sentence_before(clauses[0].a)
                or (metric in _CASE_METRICS and "公开" in sentence)
            ):
                return None
        if metric == "litigation_cases" and "行政诉讼" not in sentence and "行政复议" not in sentence:
            return None
        if metric in ("normative_docs_issued", "normative_docs_in_force") and "规范性文件" not in sentence:
            return None  # 现行有效件数 N 件 counts 规范性文件 only in a sentence about them
        if metric == "page_views" and _CUMULATIVE.search(s[clauses[0].a : q.a]):
            return None  # 截至 … 累计阅读次数: since the account opened, not this year
        return metric

    def _other_period(self, clauses: list[_Clause], a: int, at: int) -> bool:
        """Is the count at `at`, in the clause starting at `a`, for another year than the report's? The last
        period named before it decides: another year (上年度…30件) in its own clause (与上年相比 in a clause
        before frames a comparison, not the count), else this year or a year of the sentence (2022年…30件 in a
        report on 2023)."""
        sa, sb = clauses[0].a, clauses[-1].b
        if self.periods is None or self.periods[0] != sa:  # found once per sentence, when first needed
            self.periods = (sa, _periods(self.t.s, sa, sb))
        named = [p for p in self.periods[1] if p[0] < at and (p[0] >= a or p[1] != "other")]
        if not named:
            return False
        _, kind, year = named[-1]
        return kind == "other" or (kind == "year" and self.year is not None and year < self.year)

    def _post_channel(self, clauses: list[_Clause], k: int, j: int, before: str, after: str) -> str | None:
        """The post metric of a count of items posted on one named channel, else None."""
        s = self.t.s
        clause = clauses[k]
        q = clause.qtys[j]
        text = s[clause.a : clause.b]
        if (
            q.unit not in _POST_UNITS
            or not _POST_VERB.search(text)
            or _CUMULATIVE.search(s[clauses[0].a : q.a])
            or _NOT_POSTS.search(text)
            or _SERIES.match(after)
        ):
            return None
        listed = _channels(text)
        if "分别" in text and len(listed) == len(clause.qtys) > 1:  # 微博、微信分别发布 N 条和 M 条
            return _POST_METRIC[listed[j]]
        if after.startswith("、") and j + 1 < len(clause.qtys) and not _channels(after):
            return None  # 工作动态120条、通知公告30条: one kind, not all (a list of channels is not this)
        if j + 1 == len(clause.qtys) and not after.strip(",，;") and _kind_follows(s, clauses, k):
            return None  # 工作动态120条，通知公告30条: the same list, one kind to a clause
        if not (_POST_VERB.search(before) or _POST_VERB.match(after)):
            return None
        # 网站发布信息120条、微博…: a channel named after a list mark is the next count's
        own_after = "" if after[:1] in _LIST_MARKS and j + 1 < len(clause.qtys) else after[:5]
        if not (_channels(own_after) or _POST_NOUN.search(before[-12:] + after[:8]) or _TOTAL_WORD.search(before)):
            return None
        names = _channels(before + own_after)
        if names or listed:
            return _POST_METRIC[names[0]] if len(names) == 1 and not _channels(after[5:]) else None
        if k and _FOLLOW_ON.match(before):  # 微博29个，共发布信息1992条: the channel of the clause before
            previous = s[clauses[k - 1].a : clauses[k - 1].b]
            found = _channels(previous)
            return _POST_METRIC[found[0]] if len(found) == 1 and not _COLUMN.search(previous) else None
        return None

    def _add(self, code, clauses, k, sa, sb, metric, value, unit, approx, a, b) -> None:
        """Record a fact stated by s[a:b] in clause k of the sentence s[sa:sb]."""
        t = self.t
        start, end = t.span(a, b)
        ev_a, ev_b = t.span(sa, sb)
        self.records.append(
            dict(
                metric=metric,
                value=value,
                unit=unit,
                approx=approx,
                scope="region" if _REGION.search(t.s[sa : clauses[k].b]) else "agency",
                account=_account(t.s, clauses, k, metric),
                section=code,
                evidence=t.original[ev_a:ev_b].strip(),
                start=start,
                end=end,
                raw=t.original[start:end],
            )
        )


def _kind_follows(s: str, clauses: list[_Clause], k: int) -> bool:
    """Clause k + 1 is a kind of item and its post count (通知公告30条): a list of kinds goes on from clause k."""
    if k + 1 == len(clauses) or not (following := clauses[k + 1]).qtys or following.qtys[0].unit not in _POST_UNITS:
        return False
    kind = s[following.a : following.qtys[0].a]
    return _KIND.fullmatch(kind) is not None and _NOT_A_KIND.search(kind) is None


def _periods(s: str, a: int, b: int) -> list[tuple[int, str, int]]:
    """(start, other | this | year, the year or 0) of each period s[a:b] names, in order (see `_THIS_YEAR`)."""
    out = []
    i = s.find("年", a, b)
    while i >= 0:
        before = s[max(i - 4, a) : i]
        if len(before) == 4 and before.isascii() and before.isdigit() and before.startswith("20"):
            if not s.startswith(("以来", "起"), i + 1) and s.rfind("《", a, i) <= s.rfind("》", a, i):
                out.append((i - 4, "year", int(before)))
        elif before[-1:] in _THIS_YEAR:
            out.append((i - 1, "this", 0))
        elif before[-1:] == "去" or (before[-1:] == "前" and s[i - 2 : i - 1] != "当"):
            out.append((i - 1, "other", 0))
        elif before[-1:] == "上" or before[-2:] == "上一":
            start = i - 1 if before[-1:] == "上" else i - 2
            if s[max(start - 2, 0) : start] != "结转" and not s.startswith(("结转", "度结转"), i + 1):
                out.append((start, "other", 0))
        i = s.find("年", i + 1, b)
    return out


def _account(s: str, clauses: list[_Clause], k: int, metric: str) -> str:
    """The quoted account (“平潭发布”微信公众号 → 平潭发布) a count is about: the one in its own clause, else for
    channel counts the one in the nearest earlier clause of the sentence that names a channel (for a post
    count, an account on the post's channel)."""
    own = s[clauses[k].a : clauses[k].b]
    names = {m.group(1) for m in _ACCOUNT.finditer(own)}
    views = metric in ("followers", "page_views")
    if names or metric not in _CHANNEL_METRICS or (views and _CHANNEL_MENTION.search(own)):
        return names.pop() if len(names) == 1 else ""
    for clause in reversed(clauses[:k]):
        text = s[clause.a : clause.b]
        if _CHANNEL_MENTION.search(text):
            found = {
                m.group(1)
                for m in _ACCOUNT.finditer(text)
                if views or _POST_METRIC[_channels(m.group(2))[0]] == metric
            }
            return found.pop() if len(found) == 1 else ""
    return ""


def _shares(s: str, clauses: list[_Clause], k: int) -> bool:
    """The clause's count is given with its share (…N 条，占 x%)."""
    nxt = s[clauses[k + 1].a : clauses[k + 1].b] if k + 1 < len(clauses) else ""
    return bool(_SHARE.match(nxt))


def extract(doc: Document, year: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(sections, narrative) frames for a document on `year` (when known, counts a sentence gives for an
    earlier year are not facts); see the module docstring for the rules."""
    sections, facts = extract_records(doc, year)
    return frame(sections, SECTION_COLUMNS, SECTION_DTYPES), frame(facts, NARRATIVE_COLUMNS, NARRATIVE_DTYPES)


def extract_records(doc: Document, year: int | None = None) -> tuple[list[dict], list[dict]]:
    """`extract` as records (lists of dicts), for callers that build frames later or never."""
    t = _normalise(doc)
    sections, spans = _sections(t)
    extractor = _Extractor(t, pdf=doc.format == "pdf", year=year)
    extractor.run(spans)
    return sections, sorted(extractor.records, key=lambda r: r["start"])
