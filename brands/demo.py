"""Demo data for brands: the brand programs of the reports, their activity records, a few bases.

The fourteen brands named in DESIGN.md sit under their real districts and owner organizations
(found by region name in the tree grids.demo built; created when missing). Their stories,
recognitions and figures are written for the demo: plausible, not quoted facts. Activity records
cover the last twelve months: the brand's own activities, and the regular organizational life
(三会一课, 主题党日) of the owner and of the grid branches below it, with a few months missed so
that the compliance page has something to show. At the city scale, a few hundred generated
community brands are added to exercise the wall.

Idempotent: a brand is looked up by name, an organization that already has activity records
gets no more, a base by name, and slots only when a base has none ahead.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db.models import Q
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from brands.images import ProcessedImage, versions
from brands.models import (
    ActivityKind,
    ActivityPhoto,
    ActivityRecord,
    BaseSlot,
    Brand,
    BrandCategory,
    BrandImage,
    BrandLevel,
    BrandStatus,
    OrgLifeBase,
    Recognition,
    RecognitionLevel,
    Tag,
)
from grids.demo import MemberMaker
from grids.models import BRANCH_KINDS, OrgKind, PartyMember, PartyOrganization, Region, RegionLevel
from portal import history
from portal.models import User

Log = Callable[[str], None]

CITY_CODE = "330200"
DISTRICT_CODES = {
    "海曙区": "330203", "江北区": "330205", "北仑区": "330206", "镇海区": "330211", "鄞州区": "330212",
    "奉化区": "330213", "象山县": "330225", "宁海县": "330226", "余姚市": "330281", "慈溪市": "330282",
}  # fmt: skip
FONT_PATHS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"),
)
FONT_INDEX_SC = 2  # in the Noto CJK collections: JP, KR, SC, TC, HK
MONTHS = 12
COMMITTEE_MEMBERS = 8  # members of a district committee the seeder creates (机关党员)
EXTRA_BRANDS = {"small": 0, "city": 300}


@dataclass(frozen=True)
class DemoBrand:
    name: str
    district: str
    street: str | None  # None: the district's own committee owns it
    community: str | None  # None: the street's committee owns it
    category: str
    level: str
    year: int
    slogan: str
    summary: str
    story: str
    tags: tuple[str, ...]
    recognitions: tuple[tuple[str, str, int], ...]
    kinds: tuple[str, ...]  # the kinds of its own activities
    topics: tuple[str, ...]
    places: tuple[str, ...]
    colour: tuple[int, int, int]
    served: tuple[int, int] = (15, 60)  # people served per activity
    captions: tuple[str, ...] = ("活动现场", "党员与群众面对面")


V, VISIT, TALK, DAY = (
    ActivityKind.VOLUNTEER,
    ActivityKind.VISIT,
    ActivityKind.CONSULTATION,
    ActivityKind.THEME_DAY,
)
CITY_CASE, PROVINCE_CASE = RecognitionLevel.CITY, RecognitionLevel.PROVINCE
DISTRICT_CASE, NATIONAL_CASE = RecognitionLevel.DISTRICT, RecognitionLevel.NATIONAL

BRANDS: tuple[DemoBrand, ...] = (
    DemoBrand(
        name="小板凳工作法",
        district="余姚市",
        street="泗门镇",
        community="谢家路村",
        category=BrandCategory.GOVERNANCE,
        level=BrandLevel.CITY,
        year=2013,
        slogan="一张小板凳，坐到村民家门口",
        summary="村干部和党员带着小板凳走进院落，把村务商量放到村民家门口，大事小情当面听、当场议、限时办。",
        story=(
            "谢家路村是泗门镇的大村，外来人口多、利益诉求杂。过去开村民大会，来的人少、说真话的更少。"
            "2013 年起，村党委定下一条规矩：村里的事，先到村民家门口坐一坐再说。\n\n"
            "每月两次“院落会”，党员干部带着小板凳分片走进农户院子，围坐成一圈，道路怎么修、"
            "垃圾怎么分、停车怎么管，都在板凳上议。能当场答复的当场答复，不能的记在“板凳账本”上，"
            "七天内给回音。\n\n"
            "十年来，小板凳坐出了村规民约的修订、坐出了文化礼堂的选址，也坐出了村民对村党委的信任。"
            "这套办法被概括为“坐下来听、围起来议、跟上去办、亮出来评”，在余姚各村推广。"
        ),
        tags=("村民说事", "基层协商", "乡村振兴"),
        recognitions=(
            ("宁波市基层党建优秀案例", CITY_CASE, 2016),
            ("浙江省“枫桥经验”典型案例", PROVINCE_CASE, 2019),
        ),
        kinds=(TALK, VISIT, TALK),
        topics=(
            "小板凳院落会：听取村民对{place}道路改造的意见",
            "小板凳进农户：收集春耕灌溉用水诉求",
            "板凳账本回访：答复上月院落会提出的路灯问题",
            "小板凳议事：商定村规民约修订条款",
            "院落会：垃圾分类定时定点方案征求意见",
        ),
        places=("谢家路村东片院落", "村文化礼堂", "谢家路村西片院落", "村党群服务中心"),
        colour=(165, 42, 42),
        served=(15, 45),
        captions=("院落会现场", "党员带着小板凳走访农户"),
    ),
    DemoBrand(
        name="一人一岗",
        district="海曙区",
        street="西门街道",
        community="朝阳社区",
        category=BrandCategory.SERVE_PEOPLE,
        level=BrandLevel.DISTRICT,
        year=2012,
        slogan="人人有岗位，岗岗有党员",
        summary="在职党员回社区报到，按特长认领楼道长、调解员、助老员等岗位，让党员身份在家门口亮起来。",
        story=(
            "朝阳社区是老小区，老年人多、楼道多、琐事多。社区党委发现，住在小区里的在职党员不少，"
            "却很少有人知道他们是谁。\n\n"
            "2012 年，社区推出“一人一岗”：在职党员到社区报到，根据自己的专长认领一个岗位——"
            "医生当健康顾问，律师当调解员，退休教师办“四点半课堂”，年轻人当楼道长和助老员。"
            "岗位公示在楼道口，党员挂牌上岗。\n\n"
            "每个岗位都有服务记录，年底由居民评议。如今社区设岗百余个，党员的“八小时以外”"
            "成了居民身边看得见、找得到的服务。"
        ),
        tags=("在职党员", "社区报到", "为老服务"),
        recognitions=(
            ("海曙区基层党建创新项目", DISTRICT_CASE, 2014),
            ("宁波市基层党建优秀案例", CITY_CASE, 2018),
        ),
        kinds=(V, V, VISIT),
        topics=(
            "一人一岗：健康顾问岗为老人测血压",
            "楼道长岗：{place}楼道杂物清理",
            "四点半课堂：在职党员辅导小学生作业",
            "调解员岗：化解邻里漏水纠纷",
            "助老员岗：走访独居老人并代购药品",
        ),
        places=("朝阳社区党群服务中心", "朝阳社区 3 号楼", "社区四点半课堂", "朝阳社区 12 号楼"),
        colour=(183, 28, 28),
        served=(20, 80),
        captions=("在职党员挂牌上岗", "四点半课堂"),
    ),
    DemoBrand(
        name="党群同心圆",
        district="宁海县",
        street=None,
        community=None,
        category=BrandCategory.SERVE_PEOPLE,
        level=BrandLevel.DISTRICT,
        year=2017,
        slogan="党员在圆心，群众在身边",
        summary="以党组织为圆心，把党员、志愿者和群众连成一个个服务圈；居民的微心愿发布后常常几秒钟就被认领。",
        story=(
            "宁海的“党群同心圆”从一个简单的想法开始：每名党员联系身边的几户群众，把需要帮助的人"
            "画进自己的圈里。\n\n"
            "县里搭起微心愿平台，困难群众的小心愿——一台电风扇、一次体检、一套校服——发布到网上，"
            "党员和志愿者抢着认领，常常刚发布就被“秒杀”。认领之后限时兑现，群众确认后打分。\n\n"
            "几年下来，圆越画越大：企业、社会组织加入进来，认捐大项目，党群同心圆成了全县的服务网络。"
        ),
        tags=("微心愿", "志愿服务", "党员联户"),
        recognitions=(("宁波市基层党建优秀案例", CITY_CASE, 2019),),
        kinds=(V, V, VISIT),
        topics=(
            "同心圆微心愿集中兑现：为困难家庭送去{item}",
            "同心圆走访：党员联系户上门问需",
            "同心圆义诊进村：免费测血糖血压",
            "同心圆助学：为留守儿童送学习用品",
        ),
        places=("跃龙街道党群服务中心", "桃源街道文化礼堂", "前童镇党员活动室"),
        colour=(191, 54, 12),
        served=(30, 120),
        captions=("微心愿兑现现场", "党员上门走访"),
    ),
    DemoBrand(
        name="温暖星期五",
        district="江北区",
        street=None,
        community=None,
        category=BrandCategory.SERVE_SOCIETY,
        level=BrandLevel.DISTRICT,
        year=2014,
        slogan="每周五，党员志愿者准时出发",
        summary="每周五固定为党员志愿服务日，机关和社区党员结对走进小区、敬老院和学校，服务项目按居民点单安排。",
        story=(
            "“星期五有空吗？”在江北，这是党员之间常听到的一句话。2014 年起，区里把每周五定为"
            "“温暖星期五”党员志愿服务日。\n\n"
            "服务不是拍脑袋定的：社区每月收集居民的需求清单，党员志愿者按清单认领。"
            "修家电、理发、法律咨询、陪老人聊天，一个周五接一个周五坚持下来。\n\n"
            "服务时长记入党员的锋领积分，年底评出“温暖之星”。十年间，星期五成了江北群众最期待的日子。"
        ),
        tags=("志愿服务", "机关党员", "点单服务"),
        recognitions=(
            ("宁波市优秀志愿服务项目", CITY_CASE, 2016),
            ("浙江省最佳志愿服务项目", PROVINCE_CASE, 2021),
        ),
        kinds=(V, V, V),
        topics=(
            "温暖星期五：家电义务维修进小区",
            "温暖星期五：敬老院理发和陪伴",
            "温暖星期五：法律咨询服务台",
            "温暖星期五：学校周边交通劝导",
        ),
        places=("外滩街道槐树社区广场", "庄桥街道敬老院", "孔浦街道文化家园"),
        colour=(200, 80, 30),
        served=(40, 150),
        captions=("周五志愿服务", "家电义务维修"),
    ),
    DemoBrand(
        name="三叶草行动",
        district="北仑区",
        street=None,
        community=None,
        category=BrandCategory.SERVE_SOCIETY,
        level=BrandLevel.DISTRICT,
        year=2016,
        slogan="党员、志愿者、社工，三叶同心",
        summary="党员带头、志愿者参与、专业社工支撑，三股力量围绕困境儿童、独居老人和新北仑人开展常态化帮扶。",
        story=(
            "三叶草有三片叶子，北仑把它们比作党员、志愿者和社工。三者各有所长：党员带头，"
            "志愿者出力，社工出方法。\n\n"
            "行动聚焦三类人：困境儿童、独居老人、刚来北仑打工的新北仑人。每个对象有一张帮扶卡，"
            "记录谁在帮、帮了什么、还缺什么。\n\n"
            "从 2016 年起步，三叶草行动已在全区各街道铺开，成为北仑党建带群建的一张名片。"
        ),
        tags=("困境儿童", "新北仑人", "社工联动"),
        recognitions=(("宁波市基层党建优秀案例", CITY_CASE, 2018),),
        kinds=(V, VISIT, V),
        topics=(
            "三叶草助学：为困境儿童开设周末课堂",
            "三叶草走访：独居老人安全检查",
            "三叶草驿站：新北仑人就业政策宣讲",
            "三叶草亲子活动：外来务工子女融入社区",
        ),
        places=("新碶街道社工站", "大碶街道新市民驿站", "小港街道党群服务中心"),
        colour=(46, 125, 50),
        served=(20, 70),
        captions=("三叶草周末课堂", "走访独居老人"),
    ),
    DemoBrand(
        name="俞复玲365社区服务工作法",
        district="鄞州区",
        street="明楼街道",
        community="划船社区",
        category=BrandCategory.SERVE_PEOPLE,
        level=BrandLevel.CITY,
        year=2008,
        slogan="一年 365 天，天天在服务",
        summary="以俞复玲的名字命名的社区工作法：全年无休的服务、一本记满居民需求的民情日记、一支自我管理的志愿者队伍。",
        story=(
            "俞复玲在划船社区工作了二十多年。她有一个习惯：每天在小区里走一圈，把居民说的事记在本子上，"
            "这些本子后来被称为“民情日记”。\n\n"
            "“365”说的是全年无休：社区服务中心天天开门，节假日有党员志愿者轮值。"
            "居民的事分成当天办、一周办、协调办三类，件件有回音。\n\n"
            "这套工作法被整理成规范，在全市社区推广；划船社区的志愿者队伍由居民自己管理，"
            "成为“居民的事居民办”的样板。"
        ),
        tags=("民情日记", "全天候服务", "居民自治"),
        recognitions=(
            ("宁波市基层党建优秀案例", CITY_CASE, 2010),
            ("浙江省基层党建示范点", PROVINCE_CASE, 2013),
            ("全国和谐社区建设典型案例", NATIONAL_CASE, 2016),
        ),
        kinds=(V, VISIT, TALK),
        topics=(
            "365 服务：节假日党员志愿者轮值",
            "民情日记：走访居民收集小区改造意见",
            "居民议事会：商量电动车充电桩位置",
            "365 服务：为高龄老人送餐上门",
        ),
        places=("划船社区服务中心", "划船社区居民议事厅", "划船社区 5 号楼"),
        colour=(173, 20, 87),
        served=(25, 90),
        captions=("民情日记", "居民议事会"),
    ),
    DemoBrand(
        name="小马拉大车",
        district="北仑区",
        street="新碶街道",
        community="大港社区",
        category=BrandCategory.GOVERNANCE,
        level=BrandLevel.STREET,
        year=2018,
        slogan="小社区拉动大共建",
        summary="社区人手少、事情多，就把辖区单位的党组织拉进来共建，资源共享、难题共解。",
        story=(
            "大港社区只有几名社工，却要服务上万居民和几十家企业。社区书记说，这是“小马拉大车”。\n\n"
            "社区党委把辖区单位的党组织请进“共建联盟”，列出需求清单、资源清单和项目清单，"
            "每季度开一次联席会。企业出场地、出人手，学校开放操场，医院派医生进社区。\n\n"
            "小马找到了帮手，大车跑得更稳。共建项目年年更新，居民的满意度逐年提高。"
        ),
        tags=("区域化党建", "共建联盟"),
        recognitions=(("北仑区基层党建创新项目", DISTRICT_CASE, 2019),),
        kinds=(TALK, V, V),
        topics=(
            "共建联盟联席会：确定本季度共建项目",
            "共建单位进社区：企业党员义务清洁",
            "医院党支部进社区义诊",
            "共建联盟：辖区学校开放操场协调会",
        ),
        places=("大港社区党群服务中心", "大港社区广场", "辖区企业会议室"),
        colour=(21, 101, 192),
        served=(20, 60),
        captions=("共建联席会", "共建单位进社区"),
    ),
    DemoBrand(
        name="红色物业联建",
        district="镇海区",
        street="招宝山街道",
        community=None,
        category=BrandCategory.GOVERNANCE,
        level=BrandLevel.STREET,
        year=2017,
        slogan="社区党组织、业委会、物业拧成一股绳",
        summary="在物业企业建党组织，推动社区、业委会、物业“三方联建”，小区里的停车、维修、环境问题有人牵头解决。",
        story=(
            "老小区的矛盾，很多出在物业上。招宝山街道从 2017 年起推动物业企业建立党组织，"
            "党员物业经理亮身份、作承诺。\n\n"
            "社区党组织牵头，每月召开业委会、物业和居民代表的三方协调会。停车难、电梯维修、"
            "公共收益怎么用，摆到桌面上商量。\n\n"
            "“红色物业”让物业从被投诉的对象变成了治理的帮手，街道内小区的物业投诉明显下降。"
        ),
        tags=("红色物业", "三方联动", "小区治理"),
        recognitions=(
            ("宁波市基层党建优秀案例", CITY_CASE, 2019),
            ("浙江省城市基层党建优秀案例", PROVINCE_CASE, 2021),
        ),
        kinds=(TALK, TALK, V),
        topics=(
            "三方协调会：小区停车位划线方案",
            "红色物业议事：电梯维修资金使用公示",
            "物业党员服务日：公共区域设施检修",
            "三方协调会：楼道堆物整治",
        ),
        places=("招宝山街道顺隆社区议事厅", "后大街社区物业服务中心", "城东社区小区广场"),
        colour=(198, 40, 40),
        served=(15, 50),
        captions=("三方协调会", "物业党员服务日"),
    ),
    DemoBrand(
        name="圆桌夜谈",
        district="慈溪市",
        street=None,
        community=None,
        category=BrandCategory.GOVERNANCE,
        level=BrandLevel.DISTRICT,
        year=2015,
        slogan="晚上坐一坐，难事好商量",
        summary="利用晚饭后的时间，在村里、小区里摆一张圆桌，干部、党员和群众围坐夜谈，商量身边的事。",
        story=(
            "白天村民忙生产、上班，能坐下来商量事的时间在晚上。慈溪的村社干部就把议事会搬到了晚饭后。\n\n"
            "一张圆桌，没有主席台，谁都可以先开口。议题提前一周贴出来，夜谈结束后形成清单，"
            "下次夜谈先通报上次清单的办理情况。\n\n"
            "圆桌夜谈让“要我办”变成“一起办”，不少村里的难题就在夜谈桌上找到了办法。"
        ),
        tags=("基层协商", "民主议事"),
        recognitions=(("宁波市基层党建优秀案例", CITY_CASE, 2017),),
        kinds=(TALK, TALK, VISIT),
        topics=(
            "圆桌夜谈：村道拓宽征求意见",
            "圆桌夜谈：小区加装电梯费用分摊",
            "圆桌夜谈清单回访：通报上期议题办理情况",
            "圆桌夜谈：农村污水管网改造协调",
        ),
        places=("浒山街道社区议事厅", "龙山镇方家河头村文化礼堂", "宗汉街道党群服务中心"),
        colour=(94, 53, 177),
        served=(15, 40),
        captions=("夜谈现场", "议题清单公示"),
    ),
    DemoBrand(
        name="双向约谈",
        district="奉化区",
        street=None,
        community=None,
        category=BrandCategory.ORG_BUILDING,
        level=BrandLevel.DISTRICT,
        year=2016,
        slogan="书记约党员，党员约书记",
        summary="支部书记定期约谈党员，党员也可以预约书记，把思想问题、工作建议和群众诉求当面说清。",
        story=(
            "组织生活怎么才能不走过场？奉化的答案是“双向约谈”。\n\n"
            "支部书记每季度至少约谈每名党员一次，谈思想、谈岗位、谈联系群众的情况；"
            "党员也可以随时预约书记，提建议、反映群众诉求。约谈有记录，反映的问题有跟踪。\n\n"
            "双向约谈让支部更了解党员，也让党员更愿意开口，许多群众身边的问题借此早发现、早解决。"
        ),
        tags=("组织生活", "谈心谈话"),
        recognitions=(("奉化区党建创新项目", DISTRICT_CASE, 2017),),
        kinds=(VISIT, TALK, VISIT),
        topics=(
            "双向约谈：书记与流动党员视频谈心",
            "党员预约书记：反映小区路灯损坏问题",
            "季度约谈：了解党员联户情况",
            "双向约谈回访：通报党员建议办理结果",
        ),
        places=("锦屏街道党群服务中心", "溪口镇党员活动室", "萧王庙街道滕头村"),
        colour=(69, 90, 100),
        served=(5, 25),
        captions=("书记约谈党员", "约谈记录"),
    ),
    DemoBrand(
        name="网格党建",
        district="镇海区",
        street=None,
        community=None,
        category=BrandCategory.ORG_BUILDING,
        level=BrandLevel.DISTRICT,
        year=2012,
        slogan="支部建在网格上，服务落到家门口",
        summary="把党支部或党小组建在网格上，党员中心户联系周边住户，网格里的事网格里办。",
        story=(
            "镇海较早探索把党组织建在网格上：一个网格一个支部，人少的几个网格合建一个支部，"
            "网格员多由党员担任。\n\n"
            "每个网格确定若干党员中心户，联系周边十来户人家，邻里有事先找中心户。"
            "网格支部每月开一次网格议事会，把收集到的问题分类交办。\n\n"
            "三级架构——村社党组织、网格党支部、党员中心户——让组织触角延伸到每栋楼、每户人家。"
        ),
        tags=("网格治理", "党员中心户"),
        recognitions=(
            ("宁波市基层党建优秀案例", CITY_CASE, 2014),
            ("浙江省基层党建创新案例", PROVINCE_CASE, 2017),
        ),
        kinds=(TALK, VISIT, V),
        topics=(
            "网格议事会：交办本月网格问题清单",
            "党员中心户走访：联系户需求排查",
            "网格支部志愿服务：防汛物资检查",
            "网格议事会：老旧小区改造意见汇总",
        ),
        places=("庄市街道勤勇村网格活动室", "骆驼街道网格党员驿站", "蛟川街道网格服务站"),
        colour=(0, 105, 92),
        served=(10, 40),
        captions=("网格议事会", "党员中心户走访"),
    ),
    DemoBrand(
        name="红匠工程",
        district="鄞州区",
        street=None,
        community=None,
        category=BrandCategory.SERVE_DEVELOPMENT,
        level=BrandLevel.DISTRICT,
        year=2018,
        slogan="党员匠人，手艺为民",
        summary="把有手艺的党员组织起来，水电、木工、家电、缝补，小修小补送上门，大修项目带徒弟。",
        story=(
            "鄞州有许多身怀手艺的党员：退休的电工、木匠，企业里的技术骨干。2018 年起，区里把他们"
            "组织成“红匠”服务队。\n\n"
            "红匠们在社区设固定服务点，每月定期坐班；行动不便的老人家里的小修小补，预约后上门。"
            "技术好的红匠还带徒弟，开设技能课堂，帮助失业人员学一门手艺。\n\n"
            "“红匠”既是服务品牌，也是技能人才的培养平台，服务了大量群众，也带出了一批新匠人。"
        ),
        tags=("技能服务", "上门维修", "技能培训"),
        recognitions=(("宁波市基层党建优秀案例", CITY_CASE, 2020),),
        kinds=(V, V, V),
        topics=(
            "红匠服务日：水电维修进社区",
            "红匠上门：为独居老人修理门窗",
            "红匠课堂：家电维修技能培训",
            "红匠服务日：缝补和磨刀",
        ),
        places=("明楼街道红匠服务点", "钟公庙街道党群服务中心", "首南街道社区广场"),
        colour=(230, 81, 0),
        served=(20, 70),
        captions=("红匠服务日", "技能课堂"),
    ),
    DemoBrand(
        name="红黑榜",
        district="江北区",
        street="慈城镇",
        community="毛岙村",
        category=BrandCategory.ORG_BUILDING,
        level=BrandLevel.COMMUNITY,
        year=2016,
        slogan="锋领指数晒一晒，党员表现比一比",
        summary="用锋领指数给党员的表现打分，每月公布红榜和需要改进的名单，让党员的先锋作用看得见、比得出。",
        story=(
            "毛岙村的党员大多是老党员，怎么让大家都动起来？村党支部想到了“红黑榜”。\n\n"
            "参照锋领指数，把党员的道德品质、党内生活、履行职责、奉献社会细化成具体行为，"
            "一件一件记分，每月汇总。得分高的上红榜，连续落后的党员由支部书记谈心。\n\n"
            "榜单贴在村口，村民都看得到。红黑榜实行以来，党员参加组织生活和志愿服务的积极性明显提高。"
        ),
        tags=("锋领指数", "党员管理"),
        recognitions=(("江北区基层党建创新项目", DISTRICT_CASE, 2017),),
        kinds=(DAY, V, VISIT),
        topics=(
            "红黑榜公示：本月锋领积分排名",
            "党员认领村庄环境整治责任区",
            "落后党员谈心谈话",
            "红榜党员带头清理河道",
        ),
        places=("毛岙村文化礼堂", "毛岙村村口公示栏", "毛岙村党员活动室"),
        colour=(136, 14, 79),
        served=(10, 40),
        captions=("红黑榜公示栏", "党员清理河道"),
    ),
    DemoBrand(
        name="公益集市",
        district="海曙区",
        street=None,
        community=None,
        category=BrandCategory.SERVE_SOCIETY,
        level=BrandLevel.DISTRICT,
        year=2015,
        slogan="企业认捐、组织认领、群众受益",
        summary="定期举办公益集市，把群众的微心愿和公益项目摆上“货架”，企业和社会组织现场认捐认领。",
        story=(
            "公益集市像一个真正的集市：摊位上摆的是需求和项目——困难家庭的微心愿、社区的公益项目、"
            "社会组织的服务方案。\n\n"
            "企业和社会组织来“赶集”，看中了就认捐认领，签下认捐单，限期兑现，兑现情况在网上公示。\n\n"
            "集市由党组织牵头搭台，把分散的爱心资源和群众需求对接起来，每一届都有新的项目落地。"
        ),
        tags=("公益认捐", "微心愿", "社会组织"),
        recognitions=(("宁波市优秀公益项目", CITY_CASE, 2017),),
        kinds=(V, V, TALK),
        topics=(
            "公益集市：企业现场认捐微心愿",
            "公益集市项目对接会",
            "公益集市认捐兑现：为社区添置助老设施",
            "公益集市：社会组织服务项目路演",
        ),
        places=("天一广场", "南门街道党群服务中心", "月湖街道文化家园"),
        colour=(216, 67, 21),
        served=(50, 200),
        captions=("集市认捐现场", "项目对接会"),
    ),
)

# Brands not yet on the wall, for the staff pages: (name, status, reason) in 朝阳社区's first grid.
PENDING_BRANDS = (
    ("楼道红管家", BrandStatus.SUBMITTED, ""),
    ("朝阳邻里帮", BrandStatus.RETURNED, "请补充近一年的活动记录和服务人次，并上传活动照片。"),
    ("银龄互助社", BrandStatus.DRAFT, ""),
)

# Regular organizational life: kind -> (every n months, topics by month)
THEME_DAY_TOPICS = (
    "新春走访慰问困难党员主题党日", "学雷锋志愿服务主题党日", "清明祭扫革命烈士主题党日",
    "“五一”劳动之美主题党日", "“红色根脉”寻访主题党日", "庆祝建党、重温入党誓词主题党日",
    "防汛防台安全检查主题党日", "垃圾分类宣传主题党日", "关爱“一老一小”主题党日",
    "国庆便民服务主题党日", "清廉社区建设主题党日", "冬季消防安全主题党日",
)  # fmt: skip
REGULAR = {
    ActivityKind.THEME_DAY: (1, THEME_DAY_TOPICS),
    ActivityKind.COMMITTEE_MEETING: (1, ("研究本月支部工作安排", "讨论发展党员工作", "研究锋领积分评定")),
    ActivityKind.GROUP_MEETING: (1, ("党小组学习交流", "党员联户情况交流", "学习近期重要讲话精神")),
    ActivityKind.GENERAL_MEETING: (3, ("季度党员大会：通报支部工作", "民主评议党员大会", "讨论接收预备党员")),
    ActivityKind.PARTY_LECTURE: (3, ("书记讲党课：网格治理中的党员作用", "学习《中国共产党章程》", "党史学习：宁波的红色印记")),
}  # fmt: skip
REGULAR_LIFE_KINDS = {*BRANCH_KINDS, OrgKind.GENERAL_BRANCH}
MISSED_SHARE = 0.08  # months a branch failed to hold a meeting: the compliance page shows them
RECORD_SUMMARIES = (
    "收集居民意见 {asks} 条，当场答复 {done} 条，其余列入下月网格议事清单。",
    "党员分组入户，重点关注独居和高龄老人，发现需跟进的家庭 {done} 户。",
    "活动前一周在楼道公示，居民提前报名；签到表和照片已存档。",
    "共建单位派员参加，现场解决问题 {done} 件，另有 {asks} 条建议转交街道。",
    "活动结束后回访参加居民，普遍反映服务及时、态度好。",
)
GIFTS = ("电风扇", "取暖器", "学习桌", "助行器", "书包文具", "米面油")

BASES = (
    ("朝阳社区党群服务中心组织生活基地", "海曙区", "西门街道", "海曙区西门街道朝阳社区党群服务中心二楼", "一人一岗与社区治理", 3),
    ("横坎头村红色教育基地", "余姚市", "梁弄镇", "余姚市梁弄镇横坎头村", "浙东抗日根据地红色教育", 4),
    ("招宝山街道红色物业联建基地", "镇海区", "招宝山街道", "镇海区招宝山街道后大街社区", "红色物业与小区治理", 2),
    ("毛岙村锋领文化礼堂", "江北区", "慈城镇", "江北区慈城镇毛岙村文化礼堂", "锋领指数与党员管理", 2),
)  # fmt: skip


# --- Places and owners ------------------------------------------------------------------------


class Places:
    """Finds regions by name under their district (one query for the lot), creating what is missing.

    A committee it has to create gets a few members of its own, one of them its secretary, so that
    it holds organizational life and has someone to lead it, like every organization of the tree.
    """

    def __init__(self, rng: random.Random | None = None) -> None:
        self.rng = rng or random.Random(0)
        self._maker: MemberMaker | None = None
        regions = Region.objects.filter(
            Q(level__in=[RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.STREET])
            | Q(name__in=[b.community for b in BRANDS if b.community])
        )
        self.by_key = {self._key(r.path, r.name): r for r in regions}
        self.city = next((r for r in regions if r.level == RegionLevel.CITY and r.code == CITY_CODE), None)

    @staticmethod
    def _key(path: str, name: str) -> tuple[str, str]:
        return path[:14], name  # the district's path prefix, and the name

    def district(self, name: str) -> Region:
        code = DISTRICT_CODES[name]
        region = Region.objects.filter(code=code).first()
        if region is None:
            region = self._create(code, name, RegionLevel.DISTRICT, self._city())
        return region

    def _city(self) -> Region:
        if self.city is None:
            self.city = self._create(CITY_CODE, "宁波市", RegionLevel.CITY, None)
        return self.city

    def find(self, district: Region, name: str, level: str, parent: Region) -> Region:
        region = self.by_key.get((district.path[:14], name))
        if region is None or region.level != level:
            region = Region.objects.filter(path__startswith=parent.path, name=name, level=level).first()
        return region or self._create(self._free_code(parent), name, level, parent)

    @staticmethod
    def _free_code(parent: Region) -> str:
        # Demo-made codes count down from 999: the generated tree counts up from 001.
        taken = set(Region.objects.filter(parent=parent).values_list("code", flat=True))
        return next(
            f"{parent.code}{n:03d}" for n in range(999, 0, -1) if f"{parent.code}{n:03d}" not in taken
        )

    @staticmethod
    def _create(code: str, name: str, level: str, parent: Region | None) -> Region:
        region = Region(code=code, name=name, level=level, parent=parent)
        region.save()
        return region

    def committee(self, region: Region, parent: PartyOrganization | None) -> PartyOrganization:
        org = PartyOrganization.objects.create(
            name=_committee_name(region), kind=OrgKind.COMMITTEE, region=region, parent=parent
        )
        org.path = f"{parent.path if parent else ''}{org.pk}/"
        district = region.path.split("/")[1]  # the district code: ID numbers and work units
        size = COMMITTEE_MEMBERS if region.level == RegionLevel.DISTRICT else COMMITTEE_MEMBERS // 2
        members = PartyMember.objects.bulk_create(
            self.maker().make(
                self.rng, organization_id=org.pk, region_id=region.pk, district=district, leader=i < 2
            )
            for i in range(size)
        )
        org.secretary = members[0]
        org.save(update_fields=["path", "secretary"])
        return org

    def maker(self) -> MemberMaker:
        if self._maker is None:
            # ID numbers are unique: the maker draws again on a hash someone already has.
            hashes = PartyMember.objects.exclude(id_number_hash=None).values_list("id_number_hash", flat=True)
            self._maker = MemberMaker(set(hashes.order_by()), timezone.localdate())
        return self._maker


def owner_for(places: Places, spec: DemoBrand) -> PartyOrganization:
    """The organization leading the brand's place: the oldest one there, or a new committee."""
    district = places.district(spec.district)
    region, parent_org = district, None
    if spec.street:
        region = places.find(district, spec.street, RegionLevel.STREET, district)
        if spec.community:
            parent_org = lead_organization(region)
            region = places.find(district, spec.community, RegionLevel.COMMUNITY, region)
    return lead_organization(region) or places.committee(region, parent_org)


def lead_organization(region: Region) -> PartyOrganization | None:
    kinds = [OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH]
    return PartyOrganization.objects.filter(region=region, kind__in=kinds).order_by("id").first()


def _committee_name(region: Region) -> str:
    if region.level == RegionLevel.DISTRICT:
        return f"中共{region.name}委"
    if region.name.endswith("街道"):
        return f"{region.name}党工委"
    return f"{region.name}党委"


# --- Images -----------------------------------------------------------------------------------


def _font(size: int) -> ImageFont.FreeTypeFont | None:
    for path in FONT_PATHS:
        if path.exists():
            try:
                return ImageFont.truetype(str(path), size, index=FONT_INDEX_SC)
            except OSError:
                continue
    return None  # a fresh machine without CJK fonts: the cards carry no text


def _shade(colour: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, int(c * factor))) for c in colour)  # type: ignore[return-value]


def draw_card(title: str, subtitle: str, colour: tuple[int, int, int], size: tuple[int, int]) -> Image.Image:
    """A simple poster: a diagonal gradient, a few soft circles, the title and a subtitle."""
    width, height = size
    top, bottom = _shade(colour, 1.15), _shade(colour, 0.62)
    gradient = Image.linear_gradient("L").rotate(-35).resize(size)
    image = Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), gradient)
    draw = ImageDraw.Draw(image, "RGBA")
    for cx, cy, r in ((0.85, 0.2, 0.35), (0.1, 0.95, 0.3), (0.7, 1.0, 0.18)):
        x, y, radius = cx * width, cy * height, r * height
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(255, 255, 255, 28))
    draw.rectangle(
        (0.07 * width, 0.62 * height, 0.07 * width + 0.08 * height, 0.63 * height), fill=(242, 193, 78)
    )
    title_font, sub_font = _font(int(height * 0.13)), _font(int(height * 0.05))
    if title_font and sub_font:
        draw.text((0.07 * width, 0.42 * height), title, font=title_font, fill="white", anchor="ls")
        draw.text((0.07 * width, 0.72 * height), subtitle, font=sub_font, fill=(255, 246, 220), anchor="ls")
    return image


def processed_card(
    title: str, subtitle: str, colour: tuple[int, int, int], size: tuple[int, int]
) -> ProcessedImage:
    # The same display and thumbnail sizes an upload gets; drawn here, so there is no EXIF to strip.
    return versions(draw_card(title, subtitle, colour, size))


# --- Brands -----------------------------------------------------------------------------------


def _ensure_tags(names: Iterable[str]) -> dict[str, Tag]:
    names = set(names)
    Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
    return {t.name: t for t in Tag.objects.filter(name__in=names)}


def _published_at(rng: random.Random, year: int) -> dt.datetime:
    day = dt.date(max(year, 2019), 1, 1) + dt.timedelta(days=rng.randrange(0, 300))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def create_brand(
    spec: DemoBrand, owner: PartyOrganization, reviewer: User | None, rng: random.Random
) -> Brand:
    published_at = _published_at(rng, spec.year)
    brand = Brand(
        name=spec.name, organization=owner, region_id=owner.region_id, category=spec.category,
        level=spec.level, year_launched=spec.year, slogan=spec.slogan, summary=spec.summary,
        story=spec.story, status=BrandStatus.PUBLISHED, reviewed_by=reviewer,
        submitted_at=published_at - dt.timedelta(days=rng.randint(3, 20)), published_at=published_at,
    )  # fmt: skip
    cover = processed_card(spec.name, spec.slogan, spec.colour, (1600, 900))
    brand.cover.save("cover.jpg", cover.display, save=False)
    brand.cover_thumbnail.save("cover.jpg", cover.thumbnail, save=False)
    history.attribute(brand, actor=None, reason="演示数据")
    brand.save()
    brand.tags.set(_ensure_tags(spec.tags).values())
    Recognition.objects.bulk_create(
        Recognition(brand=brand, title=title, level=level, year=year)
        for title, level, year in spec.recognitions
    )
    for position, caption in enumerate(spec.captions, start=1):
        shade = _shade(spec.colour, 0.8 + 0.25 * position)
        gallery = processed_card(caption, spec.name, shade, (960, 640))
        item = BrandImage(brand=brand, caption=caption, position=position)
        item.image.save("image.jpg", gallery.display, save=False)
        item.thumbnail.save("image.jpg", gallery.thumbnail, save=False)
        item.save()
    return brand


def ensure_pending_brands() -> int:
    """A submitted, a returned and a draft brand in 朝阳社区, for the review queue and staff pages."""
    community = Region.objects.filter(name="朝阳社区", level=RegionLevel.COMMUNITY).order_by("code").first()
    branch = (
        PartyOrganization.objects.filter(region__parent=community).order_by("region__code", "id").first()
        if community
        else None
    )
    if branch is None:
        return 0
    secretary = User.objects.filter(party_member__organization=branch).first()
    added = 0
    for name, status, reason in PENDING_BRANDS:
        if Brand.objects.filter(name=name).exists():
            continue
        submitted = status in (BrandStatus.SUBMITTED, BrandStatus.RETURNED)
        brand = Brand(
            name=name, organization=branch, region_id=branch.region_id,
            category=BrandCategory.SERVE_PEOPLE, level=BrandLevel.COMMUNITY, year_launched=2023,
            slogan="楼里的事，楼里的党员先管起来", summary=f"{branch.name}试点的网格服务项目。",
            story="由网格党支部书记牵头，楼道党员分工负责。\n\n试点半年，正在总结经验。",
            status=status, return_reason=reason, created_by=secretary,
            submitted_by=secretary if submitted else None,
            submitted_at=timezone.now() - dt.timedelta(days=3) if submitted else None,
        )  # fmt: skip
        history.attribute(brand, actor=secretary, reason="演示数据")
        brand.save()
        added += 1
    return added


# --- Activity records -------------------------------------------------------------------------


@dataclass
class RecordPlan:
    records: list[ActivityRecord] = field(default_factory=list)
    attendees: list[list[int]] = field(default_factory=list)

    def add(self, record: ActivityRecord, attendee_ids: list[int]) -> None:
        record.attendee_count = len(attendee_ids)
        self.records.append(record)
        self.attendees.append(attendee_ids)

    def save(self) -> int:
        saved = ActivityRecord.objects.bulk_create(self.records, batch_size=2000)
        through = ActivityRecord.attendees.through
        rows = [
            through(activityrecord_id=record.pk, partymember_id=member_id)
            for record, ids in zip(saved, self.attendees, strict=True)
            for member_id in ids
        ]
        through.objects.bulk_create(rows, batch_size=5000)
        return len(saved)


def _months_back(today: dt.date, count: int) -> list[dt.date]:
    firsts, month = [], today.replace(day=1)
    for _ in range(count):
        firsts.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return firsts[::-1]


def _moment(rng: random.Random, month: dt.date, today: dt.date, hours: Iterable[int]) -> dt.datetime | None:
    last_day = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    last_day = min(last_day, today - dt.timedelta(days=1))
    if last_day < month:
        return None
    day = month + dt.timedelta(days=rng.randrange((last_day - month).days + 1))
    moment = dt.datetime.combine(day, dt.time(rng.choice(list(hours)), rng.choice((0, 30))))
    return timezone.make_aware(moment)


class RecordMaker:
    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.months = _months_back(today, MONTHS)

    def _record(
        self, org, pool, kind, topic, place, start, hours, share, **extra
    ) -> tuple[ActivityRecord, list[int]]:
        ids = self.rng.sample(pool, k=min(len(pool), max(1, round(len(pool) * share)))) if pool else []
        record = ActivityRecord(
            organization_id=org.pk, region_id=org.region_id, kind=kind, topic=topic[:120], place=place,
            started_at=start, ended_at=start + dt.timedelta(hours=hours), member_count=len(pool), **extra,
        )  # fmt: skip
        return record, ids

    def brand_activities(self, plan: RecordPlan, brand: Brand, spec: DemoBrand, org, pool, creator) -> None:
        rng = self.rng
        for month in self.months:
            for _ in range(rng.randint(2, 3)):
                start = _moment(rng, month, self.today, (9, 14, 19))
                if start is None:
                    continue
                place = rng.choice(spec.places)
                topic = rng.choice(spec.topics).format(place=place, item=rng.choice(GIFTS))
                kind = rng.choice(spec.kinds)
                served = rng.randint(*spec.served)
                satisfaction = Decimal(rng.randint(880, 1000)) / 10 if rng.random() < 0.7 else None
                summary = rng.choice(RECORD_SUMMARIES).format(asks=rng.randint(3, 12), done=rng.randint(1, 3))
                record, ids = self._record(
                    org, pool, kind, topic, place, start, rng.choice((1.5, 2, 2.5, 3)), rng.uniform(0.4, 0.8),
                    brand=brand, summary=summary, people_served=served, satisfaction=satisfaction,
                    other_participants=rng.randint(0, 30), created_by_id=creator,
                )  # fmt: skip
                plan.add(record, ids)

    def regular_life(
        self, plan: RecordPlan, org, pool, place: str, creator, brand: Brand | None = None
    ) -> None:
        rng = self.rng
        for index, month in enumerate(self.months):
            for kind, (every, topics) in REGULAR.items():
                if (month.month - 1) % every or rng.random() < MISSED_SHARE:
                    continue
                start = _moment(rng, month, self.today, (9, 14, 19))
                if start is None:
                    continue
                topic = (
                    topics[month.month - 1] if kind == ActivityKind.THEME_DAY else topics[index % len(topics)]
                )
                on_brand = brand if kind == ActivityKind.THEME_DAY and rng.random() < 0.4 else None
                record, ids = self._record(
                    org, pool, kind, topic, place, start, 1.5, rng.uniform(0.75, 1.0),
                    brand=on_brand, summary="", created_by_id=creator,
                    people_served=rng.randint(10, 40) if kind == ActivityKind.THEME_DAY else 0,
                )  # fmt: skip
                plan.add(record, ids)


def _member_pools(orgs: list[PartyOrganization]) -> dict[int, list[int]]:
    """Each organization's members, its subtree's for a committee (one query)."""
    query = Q()
    for org in orgs:
        query |= Q(organization__path__startswith=org.path)
    rows = PartyMember.objects.filter(query).values_list("pk", "organization__path") if orgs else []
    pools: dict[int, list[int]] = {org.pk: [] for org in orgs}
    for member_id, path in rows:
        for org in orgs:
            if path.startswith(org.path) and len(pools[org.pk]) < 60:
                pools[org.pk].append(member_id)
    return pools


def _creators(orgs: list[PartyOrganization]) -> dict[int, int]:
    """The organization's secretary's account, where it has one (the demo secretary's branch)."""
    rows = PartyOrganization.objects.filter(pk__in=[o.pk for o in orgs], secretary__user__isnull=False)
    return dict(rows.values_list("pk", "secretary__user_id"))


def ensure_records(brands: list[tuple[Brand, DemoBrand]], rng: random.Random, log: Log) -> int:
    owners = {brand.organization_id: brand.organization for brand, _ in brands}
    branches = list(
        PartyOrganization.objects.branches().filter(
            parent_id__in=[o.pk for o in owners.values() if o.region.level == RegionLevel.COMMUNITY]
        )
    )
    orgs = [*owners.values(), *branches]
    recorded = set(
        ActivityRecord.objects.filter(organization__in=orgs).values_list("organization_id", flat=True)
    )
    todo = [o for o in orgs if o.pk not in recorded]
    pools, creators = _member_pools(todo), _creators(todo)
    maker, plan = RecordMaker(rng, timezone.localdate()), RecordPlan()
    brand_of = {brand.organization_id: (brand, spec) for brand, spec in brands}
    for org in todo:
        creator = creators.get(org.pk)
        if org.pk in brand_of:
            brand, spec = brand_of[org.pk]
            maker.brand_activities(plan, brand, spec, org, pools[org.pk], creator)
            # 三会一课 is a branch's duty; a committee's members hold it in their own branches.
            if org.kind in REGULAR_LIFE_KINDS:
                maker.regular_life(plan, org, pools[org.pk], spec.places[0], creator, brand)
        else:
            maker.regular_life(plan, org, pools[org.pk], f"{org.region.name}党员活动室", creator)
    added = plan.save()
    add_photos(plan.records, brands, rng)
    return added


def add_photos(
    records: list[ActivityRecord], brands: list[tuple[Brand, DemoBrand]], rng: random.Random
) -> None:
    """A photo on each brand's two latest activities, so the brand timeline shows some."""
    specs = {brand.pk: spec for brand, spec in brands}
    latest: dict[int, list[ActivityRecord]] = {}
    for record in sorted(records, key=lambda r: r.started_at, reverse=True):
        if record.brand_id in specs and len(latest.setdefault(record.brand_id, [])) < 2:
            latest[record.brand_id].append(record)
    for brand_id, chosen in latest.items():
        spec = specs[brand_id]
        for record in chosen:
            photo = processed_card(
                rng.choice(spec.captions), record.topic[:16], _shade(spec.colour, 1.1), (800, 600)
            )
            item = ActivityPhoto(activity=record, position=0)
            item.image.save("photo.jpg", photo.display, save=False)
            item.thumbnail.save("photo.jpg", photo.thumbnail, save=False)
            item.save()


# --- City scale: many generated community brands ------------------------------------------------

EXTRA_PATTERNS = (
    "邻里守望", "红色管家", "银龄互助", "楼道议事厅", "党员先锋岗", "暖心驿站", "红色网格", "睦邻坊",
    "同心议事会", "四点半课堂", "老兵之家", "巾帼志愿队", "平安巡防", "红色代办", "共享菜园", "乡贤议事",
)  # fmt: skip


def ensure_extra_brands(count: int, rng: random.Random) -> int:
    if count <= 0:
        return 0
    communities = list(
        PartyOrganization.objects.filter(region__level=RegionLevel.COMMUNITY)
        .select_related("region")
        .order_by("region__code")[: count * 2]
    )
    taken = set(Brand.objects.values_list("name", flat=True))
    tags = _ensure_tags(EXTRA_PATTERNS[:8])
    new = []
    for org in communities:
        base = org.region.name.removesuffix("社区").removesuffix("村")
        name = f"{base}·{EXTRA_PATTERNS[len(new) % len(EXTRA_PATTERNS)]}"
        if name in taken or len(new) >= count:
            continue
        taken.add(name)
        new.append(
            Brand(
                name=name,
                organization=org,
                region_id=org.region_id,
                category=rng.choice(BrandCategory.values),
                level=BrandLevel.COMMUNITY,
                year_launched=rng.randint(2012, 2023),
                slogan="党建引领，服务居民",
                summary=f"{org.name}打造的社区服务品牌。",
                story="社区党组织牵头，党员带头参与。",
                status=BrandStatus.PUBLISHED,
                published_at=timezone.now() - dt.timedelta(days=rng.randint(30, 900)),
            )  # fmt: skip
        )
    created = Brand.objects.bulk_create(new, batch_size=1000)
    through = Brand.tags.through
    through.objects.bulk_create(
        [through(brand_id=b.pk, tag_id=tags[EXTRA_PATTERNS[i % 8]].pk) for i, b in enumerate(created)],
        ignore_conflicts=True,
    )
    plan, today = RecordPlan(), timezone.localdate()
    for brand in created:
        for month in _months_back(today, MONTHS):
            start = _moment(rng, month, today, (9, 14, 19))
            if start:
                plan.add(
                    ActivityRecord(
                        organization_id=brand.organization_id,
                        region_id=brand.region_id,
                        brand=brand,
                        kind=ActivityKind.VOLUNTEER,
                        topic=f"{brand.name}月度服务",
                        started_at=start,
                        ended_at=start + dt.timedelta(hours=2),
                        people_served=rng.randint(10, 80),
                        other_participants=rng.randint(0, 20),
                    ),  # fmt: skip
                    [],
                )
    plan.save()
    return len(created)


# --- Bases --------------------------------------------------------------------------------------


def ensure_bases(places: Places, today: dt.date) -> tuple[int, int]:
    bases_added = slots_added = 0
    for name, district_name, street_name, address, theme, capacity in BASES:
        district = places.district(district_name)
        street = places.find(district, street_name, RegionLevel.STREET, district)
        base, created = OrgLifeBase.objects.get_or_create(
            name=name,
            defaults={
                "region": street, "address": address, "theme": theme, "capacity": capacity,
                "description": f"{theme}主题的开放式组织生活基地，面向全市党支部开放预约，可开展主题党日、党课等组织生活。",
            },
        )  # fmt: skip
        bases_added += created
        if not BaseSlot.objects.filter(base=base, starts_at__gte=timezone.now()).exists():
            slots_added += len(BaseSlot.objects.bulk_create(_slots(base, today)))
    return bases_added, slots_added


def _slots(base: OrgLifeBase, today: dt.date) -> list[BaseSlot]:
    slots = []
    for offset in range(1, 29):
        day = today + dt.timedelta(days=offset)
        if day.weekday() not in (1, 3, 5):  # Tuesday, Thursday, Saturday
            continue
        for hour in (9, 14):
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
            slots.append(
                BaseSlot(
                    base=base, starts_at=start, ends_at=start + dt.timedelta(hours=2), capacity=base.capacity
                )
            )
    return slots


# --- Entry point ----------------------------------------------------------------------------------


def seed(*, scale: str, rng: random.Random, log: Log) -> None:
    """Add the demo brands, their records and the bases that are missing."""
    started = time.monotonic()
    places = Places(rng)
    reviewer = User.objects.filter(username="city_admin").first()
    existing = {
        b.name: b
        for b in Brand.objects.filter(name__in=[s.name for s in BRANDS]).select_related(
            "organization__region"
        )
    }
    pairs, added = [], 0
    for spec in BRANDS:
        brand = existing.get(spec.name)
        if brand is None:
            brand = create_brand(spec, owner_for(places, spec), reviewer, rng)
            added += 1
        pairs.append((brand, spec))
    log(f"  brands: {added} added ({time.monotonic() - started:.1f}s)")
    log(f"  brands awaiting review or in draft: {ensure_pending_brands()} added")
    began = time.monotonic()
    log(f"  activity records: {ensure_records(pairs, rng, log):,} added ({time.monotonic() - began:.1f}s)")
    extra = ensure_extra_brands(EXTRA_BRANDS.get(scale, 0) - _extra_present(), rng)
    if extra:
        log(f"  generated community brands: {extra} added")
    bases, slots = ensure_bases(places, timezone.localdate())
    log(f"  organizational-life bases: {bases} added, {slots} slots added")


def _extra_present() -> int:
    return Brand.objects.filter(name__contains="·").count()
