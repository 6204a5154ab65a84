"""Demo data for the grids app: Ningbo's region tree, its party organizations and their members.

Real where it can be: the city, its 10 districts and their 156 streets and towns carry their
official names and codes (统计用区划代码 2023), and the communities and villages the reports
name (朝阳社区, 大港社区, 谢家路村, 毛岙村 …) carry their real names. Everything else is
generated. Community and grid codes follow the official pattern (residents' committees
numbered from 001, villages from 201) but are not the official ones.

Generation is deterministic per position in the tree: a node's name, code, organization and
members depend only on the seed and its position, never on how many siblings the scale asks
for. So the small scale is a corner of the city scale, and a second run only fills in what is
missing (regions by code, one organization per region, members for branches that have none).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate

from django.db import connection, transaction
from django.utils import timezone

from grids.models import (
    LEVEL_ORDER,
    Gender,
    MemberStatus,
    OrgKind,
    PartyMember,
    PartyOrganization,
    Region,
    RegionLevel,
)
from portal.privacy import hash_id_number, mask_id_number
from portal.validators import id_check_digit

Log = Callable[[str], None]


def _words(text: str) -> list[str]:
    # Long lists of short Chinese words read better as one string than as quoted items.
    return text.split()


CITY_CODE, CITY_NAME = "330200", "宁波市"

DISTRICTS = {
    "330203": "海曙区",
    "330205": "江北区",
    "330206": "北仑区",
    "330211": "镇海区",
    "330212": "鄞州区",
    "330213": "奉化区",
    "330225": "象山县",
    "330226": "宁海县",
    "330281": "余姚市",
    "330282": "慈溪市",
}

# Streets (街道) and towns (镇/乡) with the last three digits of their official codes.
# 江北's 中马 and 白沙 streets were merged into 外滩街道 in 2019; it carries their code 001.
STREETS: dict[str, dict[str, str]] = {
    "330203": {
        "001": "南门街道", "002": "江厦街道", "003": "西门街道", "004": "月湖街道",
        "005": "鼓楼街道", "006": "白云街道", "007": "段塘街道", "008": "望春街道",
        "009": "石碶街道", "100": "高桥镇", "101": "横街镇", "102": "集士港镇",
        "103": "古林镇", "104": "洞桥镇", "105": "鄞江镇", "106": "章水镇", "200": "龙观乡",
    },
    "330205": {
        "001": "外滩街道", "003": "孔浦街道", "004": "文教街道", "005": "甬江街道",
        "006": "庄桥街道", "007": "洪塘街道", "008": "前江街道", "103": "慈城镇",
    },
    "330206": {
        "001": "大榭街道", "002": "新碶街道", "003": "小港街道", "004": "大碶街道",
        "005": "霞浦街道", "006": "柴桥街道", "007": "戚家山街道", "008": "春晓街道",
        "009": "梅山街道", "010": "郭巨街道", "011": "白峰街道",
    },
    "330211": {
        "001": "招宝山街道", "002": "蛟川街道", "003": "骆驼街道", "004": "庄市街道",
        "005": "贵驷街道", "100": "澥浦镇", "101": "九龙湖镇",
    },
    "330212": {
        "001": "下应街道", "002": "钟公庙街道", "004": "梅墟街道", "005": "中河街道",
        "006": "首南街道", "007": "潘火街道", "008": "百丈街道", "009": "东胜街道",
        "010": "明楼街道", "011": "白鹤街道", "012": "东柳街道", "013": "东郊街道",
        "014": "福明街道", "015": "新明街道", "016": "聚贤街道", "100": "瞻岐镇",
        "101": "咸祥镇", "102": "塘溪镇", "103": "东钱湖镇", "104": "东吴镇",
        "105": "五乡镇", "106": "邱隘镇", "108": "云龙镇", "109": "横溪镇", "110": "姜山镇",
    },
    "330213": {
        "001": "锦屏街道", "002": "岳林街道", "003": "江口街道", "004": "西坞街道",
        "005": "萧王庙街道", "006": "方桥街道", "007": "尚田街道", "008": "莼湖街道",
        "100": "溪口镇", "106": "裘村镇", "107": "大堰镇", "108": "松岙镇",
    },
    "330225": {
        "001": "丹东街道", "002": "丹西街道", "003": "爵溪街道", "101": "石浦镇",
        "102": "西周镇", "103": "鹤浦镇", "104": "贤庠镇", "105": "墙头镇", "106": "泗洲头镇",
        "107": "定塘镇", "108": "涂茨镇", "109": "大徐镇", "110": "新桥镇", "200": "东陈乡",
        "201": "晓塘乡", "202": "黄避岙乡", "203": "茅洋乡", "204": "高塘岛乡",
    },
    "330226": {
        "001": "跃龙街道", "002": "桃源街道", "003": "梅林街道", "004": "桥头胡街道",
        "101": "长街镇", "102": "力洋镇", "104": "一市镇", "105": "岔路镇", "106": "前童镇",
        "107": "桑洲镇", "108": "黄坛镇", "109": "大佳何镇", "110": "强蛟镇", "111": "西店镇",
        "112": "深甽镇", "200": "胡陈乡", "201": "茶院乡", "202": "越溪乡",
    },
    "330281": {
        "001": "梨洲街道", "002": "凤山街道", "003": "兰江街道", "004": "阳明街道",
        "005": "低塘街道", "006": "朗霞街道", "100": "临山镇", "101": "黄家埠镇",
        "102": "小曹娥镇", "103": "泗门镇", "106": "马渚镇", "108": "牟山镇", "109": "丈亭镇",
        "110": "三七市镇", "111": "河姆渡镇", "112": "大隐镇", "113": "陆埠镇", "114": "梁弄镇",
        "115": "大岚镇", "116": "四明山镇", "201": "鹿亭乡",
    },
    "330282": {
        "002": "宗汉街道", "003": "坎墩街道", "004": "浒山街道", "005": "白沙路街道",
        "006": "古塘街道", "104": "掌起镇", "107": "观海卫镇", "108": "附海镇", "109": "桥头镇",
        "110": "匡堰镇", "111": "逍林镇", "112": "新浦镇", "113": "胜山镇", "114": "横河镇",
        "116": "崇寿镇", "118": "庵东镇", "120": "长河镇", "121": "周巷镇", "123": "龙山镇",
    },
}  # fmt: skip

# Streets shown first, and so kept by the small scale: where the brand programs happen.
FEATURED_STREETS = {
    "330203": ["003", "001", "004"],  # 西门 (朝阳社区 一人一岗), 南门, 月湖
    "330205": ["103", "001", "006"],  # 慈城 (毛岙村 红黑榜), 外滩, 庄桥
    "330206": ["002", "004", "003"],  # 新碶 (大港社区 小马拉大车), 大碶, 小港
    "330211": ["001", "004", "003"],  # 招宝山 (红色物业联建), 庄市, 骆驼
    "330212": ["010", "002", "006"],  # 明楼 (划船社区 365工作法), 钟公庙, 首南
    "330213": ["005", "100", "001"],  # 萧王庙 (滕头村), 溪口, 锦屏
    "330225": ["001", "101", "102"],  # 丹东, 石浦, 西周
    "330226": ["001", "002", "106"],  # 跃龙, 桃源, 前童
    "330281": ["103", "001", "114"],  # 泗门 (谢家路村 小板凳工作法), 梨洲, 梁弄 (横坎头村)
    "330282": ["004", "123", "002"],  # 浒山, 龙山, 宗汉
}

# Real communities and villages, first in their street.
KNOWN_COMMUNITIES = {
    "330203003": ["朝阳社区", "文昌社区", "新芝社区", "宝善社区", "翠柏社区", "苍松社区", "望京社区"],
    "330203001": ["万安社区", "柳锦社区", "长春社区", "紫金社区"],
    "330203002": ["和义社区", "郁家巷社区", "开明社区", "县前社区"],
    "330203004": ["青石社区", "天一社区", "郡庙社区", "平桥社区", "银杏社区", "镇明社区", "桂井社区"],
    "330203005": ["中山社区", "县学社区", "孝闻社区", "公园社区", "秀水社区"],
    "330203006": ["安丰社区", "牡丹社区", "泰安社区"],
    "330205001": ["槐树社区", "桃渡社区", "白沙社区"],
    "330205103": ["毛岙村", "半浦村", "王家坝村"],
    "330206002": ["大港社区", "明港社区", "华山社区", "岷山社区"],
    "330211001": [
        "顺隆社区", "西门社区", "胜利路社区", "涨鉴碶社区", "后大街社区",
        "总浦桥社区", "海港社区", "城东社区", "车站路社区", "白龙社区",
    ],
    "330211004": ["勤勇村"],
    "330212010": ["划船社区"],
    "330212110": ["陈介桥村"],
    "330213005": ["滕头村"],
    "330213100": ["岩头村"],
    "330225101": ["东门村"],
    "330281103": ["谢家路村"],
    "330281114": ["横坎头村"],
    "330282123": ["方家河头村"],
}  # fmt: skip

# Where the demo accounts sit: 海曙区 › 西门街道 › 朝阳社区, home of 一人一岗.
DEMO_DISTRICT_CODE = "330203"
DEMO_STREET_CODE = "330203003"
DEMO_COMMUNITY_CODE = "330203003001"

# The real figures (DESIGN.md): 2,892 communities, ~14,700 grid branches, 300,000 members.
CITY_COMMUNITIES = 2892
CITY_GRIDS = 14700
CITY_MEMBERS = 300_000
COMMITTEE_MEMBERS = 3  # members of a street's or community's own organization
BATCH = 5000


@dataclass(frozen=True)
class Scale:
    streets: tuple[int, int] | None  # per district; None: all of them
    communities: tuple[int, int] | int  # per street, or a city-wide total
    grids: tuple[int, int] | int  # per community, or a city-wide total
    members: tuple[int, int] | int  # per branch, or a city-wide total (committees included)


SCALES = {
    "small": Scale(streets=(2, 3), communities=(2, 3), grids=(2, 3), members=(8, 12)),
    "city": Scale(streets=None, communities=CITY_COMMUNITIES, grids=CITY_GRIDS, members=CITY_MEMBERS),
}


# --- Names -------------------------------------------------------------------------------

# Surnames by frequency in Zhejiang (weights in per mille, rounded); 俞 应 竺 邬 are Ningbo's own.
SURNAMES = _words(
    "王90 陈88 张52 李44 周36 徐35 胡30 林28 朱27 吴26 刘24 杨22 叶20 孙19 黄18 郑18 沈17 "
    "何16 俞15 应14 金14 邵12 钱12 冯12 楼11 蒋11 许11 董10 毛10 方10 汪9 戴9 史9 谢9 "
    "鲍8 袁8 屠7 竺7 邬7 虞7 孔6 范6 任6 傅6 魏5 忻5 乐5 施5 岑5 柴4 卢4 裘4 童4 韩4"
)
_SURNAME_CHARS = [s[0] for s in SURNAMES]
_SURNAME_CUM = list(accumulate(int(s[1:]) for s in SURNAMES))

# Given names by generation: (whole names, first characters, second characters).
GIVEN_NAMES = {
    ("M", "old"): ("建国 国强 志明 德华 根福 国平 永康 荣华 秀龙 祖康", "建国志德永荣振福忠金", "国明华康平龙根庆法林"),
    ("F", "old"): ("秀英 桂芳 玉兰 美娟 月娥 彩芬 雅芬 素珍 杏娣 菊芬", "秀桂玉美月彩雅素菊宝", "英芳兰娟娥芬珍娣凤琴"),
    ("M", "mid"): ("伟 军 斌 海波 建华 杰 强 立新 剑锋 晓东 卫东 勇", "海建立晓卫国志剑伟永", "波华新东峰军明斌刚平"),
    ("F", "mid"): ("丽 红 燕 敏 静 丽娟 海燕 雪芬 晓燕 丽萍 春燕 亚萍", "丽海雪晓春亚美慧素红", "娟燕芬萍霞红敏静琴丽"),
    ("M", "young"): ("浩 宇航 子轩 俊杰 一鸣 梓豪 晨 凯 博文 家豪 昊天 鑫", "浩宇子俊一梓博家昊嘉", "航轩杰鸣豪文天宇辰然"),
    ("F", "young"): ("欣怡 雨婷 佳怡 诗涵 梦瑶 思雨 婧 倩 琳 佳琪 悦 婷婷", "欣雨佳诗梦思若语静可", "怡婷涵瑶雨琪萱彤妍悦"),
}  # fmt: skip

# Two-character bases for generated communities (…社区) and pieces of village names (…村).
COMMUNITY_BASES = _words(
    "春晖 锦苑 丽园 和平 明湖 翠屏 嘉和 东方 海韵 江南 甬江 文锦 怡园 长丰 四明 天童 育才 朝晖 "
    "惠风 桃源 银河 金桥 宁丰 兴宁 泰和 瑞丰 潜龙 宝庆 新城 湖光 春江 芝兰 荷花 樱花 丹桂 紫荆 "
    "海晏 永丰 青林 云台 清河 双桥 南塘 星光 晨曦 阳光 天合 福庆 绿岛 水岸 学府 中兴 康宁 宁馨 "
    "碧水 前进 东湖 西湖 南湖 北斗 新河 迎春 联丰 广安 华光 恒春 彩虹 曙光 凌霄 常青 百合 桂花 "
    "望海 观澜 御园 雅苑 书香 枫林 梅园 竹林 松园 柳汀 金港 银亿 环城 镇安 鼓楼 三江 香樟 锦绣"
)
VILLAGE_PREFIXES = _words("上 下 前 后 东 西 南 北 大 小 新 老 青 石 马 龙 凤 白 黄 红 金 柳 竹 桃 高 塘")
VILLAGE_FEATURES = _words("岙 山 桥 塘 浦 溪 岭 湾 头 墩 堰 碶 洋 江 畈 埠 岗 河 庄 坑")

WORK_UNITS = _words(
    "宁波市第一医院 宁波市第二医院 宁波市中医院 宁波市妇女儿童医院 宁波大学 宁波工程学院 浙江万里学院 "
    "宁波职业技术学院 宁波诺丁汉大学 宁波银行 中国银行宁波市分行 宁波舟山港集团 宁波市轨道交通集团 "
    "国网宁波供电公司 宁波市公共交通集团 宁波市水务环境集团 宁波日报报业集团 宁波海关 宁波市教育局 "
    "宁波市市场监督管理局 宁波市城市管理局 宁波市税务局 宁波市图书馆 雅戈尔集团 方太集团 均胜电子 "
    "奥克斯集团 宁波港城建设集团 宁波市邮政分公司 宁波市消防救援支队"
)
DISTRICT_WORK_UNITS = ("人民医院", "人民政府", "教育局", "市场监督管理局", "实验学校", "城市管理局")
MOBILE_PREFIXES = _words(
    "130 131 133 135 136 137 138 139 150 151 152 155 157 158 159 166 173 177 180 181 "
    "183 185 186 187 188 189 191 198 199"
)
# Where members born outside Ningbo come from (新宁波人): area codes of their ID numbers.
OTHER_AREAS = _words("330100 330600 331000 330700 340100 341200 360100 410100 430100 510100 520100 320300")
ELSEWHERE = ("上海", "杭州", "深圳", "苏州", "广州")
CN_DIGITS = "零一二三四五六七八九"


def chinese_ordinal(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 30 -> 三十, 45 -> 四十五 (grid numbers stay below 100)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


def make_id_number(rng: random.Random, area: str, birth: dt.date, gender: str) -> str:
    """A valid GB 11643 number: the 17th digit is odd for men, even for women."""
    seq = rng.randrange(0, 1000)
    seq -= (seq % 2) != (gender == Gender.MALE)
    first17 = f"{area}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_check_digit(first17)


# --- The plan: what the tree should contain -----------------------------------------------


@dataclass
class Node:
    code: str
    name: str
    level: str
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    members: int = 0  # how many members the organization leading this node gets

    def add(self, child: Node) -> Node:
        child.parent = self
        self.children.append(child)
        return child

    def walk(self, level: str) -> Iterator[Node]:
        if self.level == level:
            yield self
            return
        for child in self.children:
            yield from child.walk(level)


def _node_rng(base: int, *parts: str) -> random.Random:
    # One generator per position: a node's content never depends on its siblings' count.
    return random.Random("/".join((str(base), *parts)))


def _ordered_streets(district: str) -> list[str]:
    featured = FEATURED_STREETS.get(district, [])
    return featured + [s for s in STREETS[district] if s not in featured]


def _communities(base: int, street_code: str, street_name: str) -> Iterator[tuple[str, str]]:
    """(code, name) of the street's communities in order: real ones first, then generated."""
    rng = _node_rng(base, street_code, "communities")
    # Streets are mostly residents' communities, towns mostly villages.
    village_share = 0.15 if street_name.endswith("街道") else 0.85
    used: set[str] = set()
    known = iter(KNOWN_COMMUNITIES.get(street_code, []))
    serial = {"社区": 0, "村": 200}
    while True:
        name = next(known, None) or _generated_community(rng, village_share, used)
        used.add(name)
        kind = "村" if name.endswith("村") else "社区"
        serial[kind] += 1
        yield f"{street_code}{serial[kind]:03d}", name


def _generated_community(rng: random.Random, village_share: float, used: set[str]) -> str:
    while True:
        if rng.random() >= village_share:
            name = rng.choice(COMMUNITY_BASES) + "社区"
        elif rng.random() < 0.4:
            name = _surname(rng) + "家" + rng.choice(VILLAGE_FEATURES) + "村"
        else:
            name = rng.choice(VILLAGE_PREFIXES) + rng.choice(VILLAGE_FEATURES + _SURNAME_CHARS[:12]) + "村"
        if name not in used:
            return name


def _surname(rng: random.Random) -> str:
    return _SURNAME_CHARS[bisect(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1])]


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders), summing exactly."""
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    counts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: counts[i] - raw[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _counts(spec: tuple[int, int] | int, n: int, rng: random.Random) -> list[int]:
    if isinstance(spec, tuple):
        return [rng.randint(*spec) for _ in range(n)]
    return _apportion(spec, [rng.uniform(0.5, 1.5) for _ in range(n)])


def build_plan(scale: Scale, base: int) -> Node:
    """The whole tree for a scale, as plain objects (17,759 nodes for the city)."""
    rng = random.Random(base)
    city = Node(CITY_CODE, CITY_NAME, RegionLevel.CITY)
    streets = []
    for code, name in DISTRICTS.items():
        district = city.add(Node(code, name, RegionLevel.DISTRICT))
        ordered = _ordered_streets(code)
        keep = len(ordered) if scale.streets is None else rng.randint(*scale.streets)
        for suffix in sorted(ordered[:keep]):
            street_code = code + suffix
            streets.append(district.add(Node(street_code, STREETS[code][suffix], RegionLevel.STREET)))
    for street, n in zip(streets, _counts(scale.communities, len(streets), rng), strict=True):
        generated = _communities(base, street.code, street.name)
        for _ in range(max(n, 1)):
            code, name = next(generated)
            street.add(Node(code, name, RegionLevel.COMMUNITY))
    communities = list(city.walk(RegionLevel.COMMUNITY))
    for community, n in zip(communities, _counts(scale.grids, len(communities), rng), strict=True):
        for i in range(1, max(n, 1) + 1):
            name = f"{community.name}第{chinese_ordinal(i)}网格"
            community.add(Node(f"{community.code}{i:03d}", name, RegionLevel.GRID))
    # A street's or community's own organization has its committee as members, the secretary
    # first (an organization's secretary is one of its members); the rest are in the branches.
    committees = [*streets, *communities]
    for node in committees:
        node.members = COMMITTEE_MEMBERS
    budget = scale.members
    if not isinstance(budget, tuple):
        budget -= COMMITTEE_MEMBERS * len(committees)
    grids = list(city.walk(RegionLevel.GRID))
    for grid, n in zip(grids, _counts(budget, len(grids), rng), strict=True):
        grid.members = max(n, 3)  # a branch has at least 3 full members (党章)
    return city


# --- Organizations -------------------------------------------------------------------------


def organization_for(node: Node, base: int) -> tuple[str, str]:
    """(name, kind) of the organization that leads a street, community or grid."""
    if node.level == RegionLevel.STREET:
        return node.name + ("党工委" if node.name.endswith("街道") else "党委"), OrgKind.COMMITTEE
    roll = _node_rng(base, node.code, "organization").random()
    if node.level == RegionLevel.COMMUNITY:
        if roll < 0.6:
            return f"{node.name}党委", OrgKind.COMMITTEE
        return f"{node.name}党总支", OrgKind.GENERAL_BRANCH
    # A grid: mostly 一网格一支部; its first grid always has a full branch (the demo secretary's).
    if node.name.endswith("第一网格") or roll >= 0.16:
        return f"{node.name}党支部", OrgKind.GRID_BRANCH
    if roll < 0.03:
        return f"{node.name}前哨支部", OrgKind.OUTPOST_BRANCH
    if roll < 0.05:
        return f"{node.name}区域综合党支部", OrgKind.REGIONAL_BRANCH
    return f"{node.name}党小组", OrgKind.GROUP


# --- Members -------------------------------------------------------------------------------


class MemberMaker:
    """Builds realistic, unsaved members; ID numbers are unique against ``taken`` hashes."""

    def __init__(self, taken: set[str], today: dt.date) -> None:
        self.taken = taken
        self.today = today

    def make(
        self, rng: random.Random, *, organization_id: int, region_id: int, district: str, leader: bool
    ) -> PartyMember:
        gender = Gender.MALE if rng.random() < (0.62 if leader else 0.58) else Gender.FEMALE
        age = rng.randint(38, 62) if leader else self._age(rng)
        birth = self.today - dt.timedelta(days=int(age * 365.25) + rng.randint(0, 364))
        probationary = not leader and age < 45 and rng.random() < 0.08
        join = self._join_date(rng, birth, probationary)
        id_number, digest = self._unique_id_number(rng, district, birth, gender)
        in_service = age < 60 and rng.random() < 0.45
        mobile_member = not leader and age < 55 and rng.random() < 0.05
        return PartyMember(
            name=_surname(rng) + self._given_name(rng, gender, birth.year),
            gender=gender,
            birth_date=birth,
            join_date=join,
            status=MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
            organization_id=organization_id,
            region_id=region_id,
            mobile=self._mobile(rng) if leader or rng.random() < 0.95 else "",
            id_number_hash=digest,
            id_number_masked=mask_id_number(id_number),
            is_central_household=age >= 30 and rng.random() < (0.15 if leader else 0.06),
            is_in_service=in_service or mobile_member,
            work_unit=self._work_unit(rng, district, mobile_member) if in_service or mobile_member else "",
            is_mobile_member=mobile_member,
        )

    @staticmethod
    def _age(rng: random.Random) -> int:
        # Community members skew old: many are retirees (a quarter over 65 in the reports' branches).
        low, high = rng.choices(((20, 30), (31, 45), (46, 60), (61, 75), (76, 92)), (12, 24, 26, 25, 13))[0]
        return rng.randint(low, high)

    def _join_date(self, rng: random.Random, birth: dt.date, probationary: bool) -> dt.date:
        if probationary:  # admitted within the last year (预备期一年)
            return self.today - dt.timedelta(days=rng.randint(20, 340))
        # The 18th birthday (1 March for those born on 29 February).
        eighteen = dt.date(birth.year + 18, birth.month, 1) + dt.timedelta(days=birth.day - 1)
        # Full members were admitted over a year ago, mostly in their twenties.
        span = max(0, (self.today - dt.timedelta(days=400) - eighteen).days)
        return eighteen + dt.timedelta(days=int(rng.triangular(0, span, min(span, 6 * 365))))

    @staticmethod
    def _mobile(rng: random.Random) -> str:
        return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"

    @staticmethod
    def _given_name(rng: random.Random, gender: str, born: int) -> str:
        era = "old" if born < 1966 else "mid" if born < 1986 else "young"
        whole, firsts, seconds = GIVEN_NAMES[(gender, era)]
        if rng.random() < 0.5:
            return rng.choice(whole.split())
        return rng.choice(firsts) + rng.choice(seconds) if rng.random() < 0.8 else rng.choice(seconds)

    def _unique_id_number(
        self, rng: random.Random, district: str, birth: dt.date, gender: str
    ) -> tuple[str, str]:
        """The number and its keyed hash; a number someone already has is drawn again."""
        area = district if rng.random() < 0.85 else rng.choice(OTHER_AREAS)
        while True:
            id_number = make_id_number(rng, area, birth, gender)
            digest = hash_id_number(id_number)
            if digest not in self.taken:
                self.taken.add(digest)
                return id_number, digest

    @staticmethod
    def _work_unit(rng: random.Random, district: str, elsewhere: bool) -> str:
        if elsewhere:
            return f"外出务工（{rng.choice(ELSEWHERE)}）"
        if rng.random() < 0.3:
            return DISTRICTS[district] + rng.choice(DISTRICT_WORK_UNITS)
        return rng.choice(WORK_UNITS)


# --- Writing -------------------------------------------------------------------------------


class Seeder:
    def __init__(self, plan: Node, base: int, log: Log) -> None:
        self.plan = plan
        self.base = base
        self.log = log
        self.regions: dict[str, Region] = {}
        self.orgs: dict[str, PartyOrganization] = {}  # by region code: the region's lead organization
        # New organizations (their path) and those given a secretary, saved in one pass at the end.
        self.unsaved: dict[int, PartyOrganization] = {}

    def run(self) -> None:
        self._timed("regions added", self.ensure_regions)
        self._timed("organizations added", self.ensure_organizations)
        self._timed("members added", self.ensure_members)
        self._timed("organizations given a path or secretary", self.save_organizations)

    def _timed(self, what: str, step: Callable[[], int]) -> None:
        started = time.monotonic()
        count = step()
        self.log(f"  {what}: {count:,} ({time.monotonic() - started:.1f}s)")

    def ensure_regions(self) -> int:
        self.regions = {r.code: r for r in Region.objects.filter(path__startswith=f"{CITY_CODE}/")}
        added = 0
        for level in LEVEL_ORDER:  # parents first: children need their ids and paths
            missing = []
            for node in self.plan.walk(level):
                if node.code in self.regions:
                    continue
                parent = self.regions[node.parent.code] if node.parent else None
                missing.append(
                    Region(
                        code=node.code,
                        name=node.name,
                        level=node.level,
                        parent=parent,
                        path=Region.build_path(parent, node.code),
                    )
                )
            for region in Region.objects.bulk_create(missing, batch_size=BATCH):
                self.regions[region.code] = region
            added += len(missing)
        return added

    def ensure_organizations(self) -> int:
        by_region: dict[int, PartyOrganization] = {}
        # The oldest organization of a region leads it (later ones were added by people).
        existing = PartyOrganization.objects.filter(region__path__startswith=f"{CITY_CODE}/").order_by("-id")
        for org in existing.only("id", "region_id", "path", "secretary_id"):
            by_region[org.region_id] = org
        for level in (RegionLevel.STREET, RegionLevel.COMMUNITY, RegionLevel.GRID):
            missing = []
            for node in self.plan.walk(level):
                region = self.regions[node.code]
                if region.pk in by_region:
                    self.orgs[node.code] = by_region[region.pk]
                    continue
                name, kind = organization_for(node, self.base)
                parent = self.orgs.get(node.parent.code) if level != RegionLevel.STREET else None
                missing.append(PartyOrganization(name=name, kind=kind, region=region, parent=parent))
            # PostgreSQL and SQLite >= 3.35 return the new ids; the path needs them.
            for org in PartyOrganization.objects.bulk_create(missing, batch_size=BATCH):
                org.path = f"{org.parent.path if org.parent else ''}{org.pk}/"
                self.orgs[org.region.code] = org
                self.unsaved[org.pk] = org
        return len(self.unsaved)

    def ensure_members(self) -> int:
        # order_by(): the default ordering would otherwise join the DISTINCT and the sort.
        in_city = PartyMember.objects.filter(region__path__startswith=f"{CITY_CODE}/").order_by()
        populated = set(in_city.values_list("organization_id", flat=True).distinct())
        hashes = PartyMember.objects.exclude(id_number_hash=None).order_by()
        maker = MemberMaker(set(hashes.values_list("id_number_hash", flat=True)), timezone.localdate())
        secretaries: list[tuple[PartyOrganization, PartyMember]] = []
        batch: list[PartyMember] = []
        added = 0
        for node in self._organized():
            org = self.orgs[node.code]
            if org.pk in populated:
                continue
            members = self._members_of(maker, node, org)
            secretaries.append((org, members[0]))
            batch.extend(members)
            if len(batch) >= BATCH:
                added += len(PartyMember.objects.bulk_create(batch, batch_size=BATCH))
                batch = []
        added += len(PartyMember.objects.bulk_create(batch, batch_size=BATCH))
        for org, member in secretaries:  # the members have their ids now
            if org.secretary_id is None:
                org.secretary_id = member.pk
                self.unsaved[org.pk] = org
        return added

    def _organized(self) -> Iterator[Node]:
        for level in (RegionLevel.STREET, RegionLevel.COMMUNITY, RegionLevel.GRID):
            yield from self.plan.walk(level)

    def _members_of(self, maker: MemberMaker, node: Node, org: PartyOrganization) -> list[PartyMember]:
        """The organization's members; the first ones (its secretary, a committee's members) lead."""
        rng = _node_rng(self.base, node.code, "members")
        region_id = self.regions[node.code].pk
        district = node.code[:6]
        leading = 1 if node.level == RegionLevel.GRID else node.members
        return [
            maker.make(
                rng, organization_id=org.pk, region_id=region_id, district=district, leader=i < leading
            )
            for i in range(node.members)
        ]

    def save_organizations(self) -> int:
        # Existing organizations were loaded with their path, so saving it back changes nothing.
        orgs = list(self.unsaved.values())
        return PartyOrganization.objects.bulk_update(orgs, ["path", "secretary"], batch_size=1000)


def refresh_statistics() -> None:
    """VACUUM ANALYZE the bulk-loaded tables (PostgreSQL).

    Until autovacuum gets to them, the planner believes they are nearly empty: it estimated 23
    regions for the city's 17,759 and hash-joined the organization list (150 ms instead of
    0.1 ms). VACUUM also sets the visibility map, which index-only scans (counts) rely on.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Region, PartyOrganization, PartyMember):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def seed(*, scale: str, rng: random.Random, log: Log) -> None:
    """Build (or top up) the region tree, organizations and members for ``scale``."""
    base = rng.randrange(2**32)
    plan = build_plan(SCALES[scale], base)
    with transaction.atomic():
        Seeder(plan, base, log).run()
        # VACUUM cannot run inside a transaction: after the outermost one commits.
        transaction.on_commit(refresh_statistics)
