"""What a generated inventory is made of: the city's divisions, departments and systems.

The Shanwei profile uses the real names of its county-level divisions, towns and streets (as of the
2019–2021 plan) and of the city departments named in the plan; a town whose name is not known here
is marked synthetic. Villages are always synthetic. Synthetic profiles (city and province scale) make
every name up from a seed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TownSpec:
    """A town or street (镇/街道)."""

    key: str
    name: str
    synthetic: bool = False


@dataclass(frozen=True)
class CountySpec:
    """A county-level division (县/市/区, or a zone run like one)."""

    key: str
    name: str
    towns: tuple[TownSpec, ...]
    synthetic: bool = False


@dataclass(frozen=True)
class DepartmentSpec:
    """A city department and the systems it runs (names; the generator fills in the rest)."""

    key: str
    name: str
    systems: tuple[str, ...] = ()


@dataclass(frozen=True)
class CityProfile:
    """Everything the generator needs to build one city."""

    key: str
    name: str
    code: str
    counties: tuple[CountySpec, ...]
    departments: tuple[DepartmentSpec, ...]
    villages_per_town: tuple[int, int]
    synthetic: bool = False


def _towns(county: str, pairs: str) -> tuple[TownSpec, ...]:
    out = []
    for item in pairs.split():
        key, name = item.split("=")
        synthetic = name.endswith("*")
        out.append(TownSpec(f"{county}-{key}", name.rstrip("*"), synthetic))
    return tuple(out)


SHANWEI_COUNTIES = (
    CountySpec(
        "sw-cq",
        "城区",
        _towns("sw-cq", "xz=香洲街道 fs=凤山街道 xg=新港街道 mg=马宫街道 dy=东涌镇 hc=红草镇 js=捷胜镇"),
    ),
    CountySpec(
        "sw-hf",
        "海丰县",
        _towns(
            "sw-hf",
            "hc=海城镇 fc=附城镇 cd=城东镇 ml=梅陇镇 kt=可塘镇 "
            "ck=赤坑镇 dh=大湖镇 la=联安镇 th=陶河镇 gp=公平镇 hq=黄羌镇 "
            "pd=平东镇",
        ),
    ),
    CountySpec(
        "sw-lf",
        "陆丰市",
        _towns(
            "sw-lf",
            "dh=东海街道 cd=城东街道 hx=河西街道 tx=潭西镇 sy=上英镇 "
            "qc=桥冲镇 bm=博美镇 nt=南塘镇 jz=甲子镇 jd=甲东镇 jx=甲西镇 "
            "js=碣石镇 hd=湖东镇 jxg=金厢镇 nh=内湖镇 hdz=河东镇 bw=八万镇 "
            "da=大安镇 xn=西南镇 by=陂洋镇",
        ),
    ),
    CountySpec(
        "sw-lh",
        "陆河县",
        _towns("sw-lh", "ht=河田镇 sc=水唇镇 lx=螺溪镇 dk=东坑镇 xt=新田镇 sh=上护镇 hk=河口镇 nw=南万镇"),
    ),
    CountySpec("sw-hq", "华侨管理区", _towns("sw-hq", "p1=华侨管理区第一片区* p2=华侨管理区第二片区*")),
    CountySpec("sw-hhw", "红海湾经济开发区", _towns("sw-hhw", "tq=田墘街道 dz=东洲街道 zl=遮浪街道")),
)

# City departments (names as in the plan) and their systems; ~150 systems in all.
_COMMON = ("办公自动化系统", "门户网站", "档案管理系统")
SHANWEI_DEPARTMENTS = (
    DepartmentSpec(
        "sw-zsj",
        "市政务服务数据管理局",
        (
            "政务服务管理平台",
            "市级政务信息资源共享平台",
            "政务信息资源目录系统",
            "政务数据开放平台",
            "政务服务运营管理中心系统",
            "政务外网域名系统",
            "政务外网内容分发网络",
            "12345投诉举报平台",
            "政务服务好差评系统",
            "统一申办受理平台",
            "电子证照系统",
            "政务协同办公平台",
        ),
    ),
    DepartmentSpec("sw-swb", "市委办公室", ("涉密公文处理系统", "督查督办系统")),
    DepartmentSpec("sw-zfb", "市政府办公室", ("政府门户网站", "督考绩效管理综合运用平台", "政务值班系统")),
    DepartmentSpec(
        "sw-fgj", "市发展和改革局", ("社会信用信息库", "投资项目在线审批监管平台", "价格监测系统")
    ),
    DepartmentSpec("sw-jyj", "市教育局", ("教育云平台", "学籍管理系统", "远程教育平台", "智慧学习平台")),
    DepartmentSpec("sw-kjj", "市科学技术局", ("科技项目管理系统",)),
    DepartmentSpec("sw-gxj", "市工业和信息化局", ("企业运行监测系统", "中小企业服务平台")),
    DepartmentSpec(
        "sw-gaj",
        "市公安局",
        (
            "人口基础信息库",
            "警务综合信息系统",
            "视频共享平台",
            "出入境业务系统",
            "交通违法处理系统",
            "公共安全视频监控联网平台",
        ),
    ),
    DepartmentSpec("sw-mzj", "市民政局", ("社会救助信息系统", "婚姻登记系统", "养老服务平台")),
    DepartmentSpec("sw-sfj", "市司法局", ("公共法律服务平台", "社区矫正管理系统")),
    DepartmentSpec(
        "sw-czj",
        "市财政局",
        ("非税收入管理系统", "国库集中支付系统", "预算管理一体化系统", "政府采购管理系统"),
    ),
    DepartmentSpec(
        "sw-rsj",
        "市人力资源和社会保障局",
        ("社会保险信息系统", "就业服务平台", "人才服务系统", "劳动保障监察系统"),
    ),
    DepartmentSpec(
        "sw-zrj",
        "市自然资源局",
        ("自然资源和空间地理基础信息库", "不动产登记云平台", "国土空间规划一张图", "地理信息公共服务平台"),
    ),
    DepartmentSpec(
        "sw-sthj", "市生态环境局", ("生态环境在线监测系统", "环保综合业务应用系统", "污染源监控系统")
    ),
    DepartmentSpec(
        "sw-zjj", "市住房和城乡建设局", ("工程建设项目审批管理系统", "房屋交易管理系统", "建筑市场监管平台")
    ),
    DepartmentSpec(
        "sw-jtj", "市交通运输局", ("公交监管平台", "ITS共用信息平台", "交通服务平台", "城市公交快速通勤系统")
    ),
    DepartmentSpec("sw-swj", "市水务局", ("水雨情监测系统", "河长制信息平台")),
    DepartmentSpec("sw-nyj", "市农业农村局", ("农产品质量安全追溯系统", "动物防疫管理系统")),
    DepartmentSpec("sw-swuj", "市商务局", ("外贸业务管理系统",)),
    DepartmentSpec("sw-wgj", "市文化广电旅游体育局", ("智慧红色旅游系统", "文化市场监管系统")),
    DepartmentSpec(
        "sw-wjj",
        "市卫生健康局",
        ("全民健康信息平台", "医疗智能审核平台", "远程医疗系统", "公共卫生应急指挥系统"),
    ),
    DepartmentSpec("sw-tyjr", "市退役军人事务局", ("退役军人信息管理系统",)),
    DepartmentSpec(
        "sw-yjj",
        "市应急管理局",
        ("应急指挥一张图", "智慧应急指挥救援系统", "移动应急指挥系统", "安全生产监管系统"),
    ),
    DepartmentSpec("sw-sjj", "市审计局", ("审计管理系统",)),
    DepartmentSpec(
        "sw-scj",
        "市市场监督管理局",
        ("法人单位基础信息库", "综合监管执法系统", "双随机一公开监管系统", "企业开办一窗受理系统"),
    ),
    DepartmentSpec("sw-tjj", "市统计局", ("统计联网直报系统",)),
    DepartmentSpec("sw-ybj", "市医疗保障局", ("医保信息资源共享平台", "医保移动支付平台", "电子医保平台")),
    DepartmentSpec("sw-lyj", "市林业局", ("森林防火监测系统",)),
    DepartmentSpec("sw-cgj", "市城市管理和综合执法局", ("数字城管系统", "城管执法办案系统")),
    DepartmentSpec("sw-xfj", "市信访局", ("网上信访系统",)),
    DepartmentSpec("sw-jrj", "市金融工作局", ("地方金融监管系统",)),
    DepartmentSpec("sw-gzw", "市国有资产监督管理委员会", ("国资监管信息系统",)),
    DepartmentSpec("sw-zzb", "市委组织部", ("干部管理信息系统", "党员教育管理系统")),
    DepartmentSpec("sw-xcb", "市委宣传部", ("网络舆情监测系统",)),
    DepartmentSpec("sw-zfw", "市委政法委", ("综治信息系统", "网格化管理平台")),
    DepartmentSpec("sw-jybm", "市委机要和保密局", ("机要文件交换系统", "密码应用管理系统")),
    DepartmentSpec("sw-jwjw", "市纪委监委", ("案件管理系统", "廉政监督平台")),
    DepartmentSpec("sw-swuj2", "市税务局", ("税收征管协同系统",)),
    DepartmentSpec("sw-qxj", "市气象局", ("气象预警发布系统", "气象数据服务平台")),
    DepartmentSpec("sw-ggzy", "市公共资源交易中心", ("公共资源交易平台", "网上中介服务超市")),
    DepartmentSpec("sw-gjj", "市住房公积金管理中心", ("住房公积金管理系统", "公积金网上服务大厅")),
    DepartmentSpec("sw-dag", "市档案馆", ("数字档案馆系统",)),
    DepartmentSpec("sw-fy", "市人民法院", ("审判流程管理系统",)),
    DepartmentSpec("sw-jcy", "市人民检察院", ("检察业务应用系统",)),
    DepartmentSpec("sw-zgh", "市总工会", ("职工服务平台",)),
)

COMMON_SYSTEMS = _COMMON

SHANWEI = CityProfile(
    key="sw",
    name="汕尾市",
    code="441500",
    counties=SHANWEI_COUNTIES,
    departments=SHANWEI_DEPARTMENTS,
    villages_per_town=(12, 19),
)

# Systems that handle state secrets (涉密): never moved.
CLASSIFIED_SYSTEMS = frozenset(
    {
        "涉密公文处理系统",
        "警务综合信息系统",
        "机要文件交换系统",
        "密码应用管理系统",
        "案件管理系统",
        "检察业务应用系统",
    }
)

# Systems that keep only files (archives, static portals): no database to move.
FILES_ONLY_SYSTEMS = frozenset({"数字档案馆系统", "门户网站", "档案管理系统", "视频共享平台"})

# Systems the plan's tasks 4 and 10–14 are judged by (task number -> system names).
MILESTONE_SYSTEMS: dict[int, tuple[str, ...]] = {
    4: ("政务外网域名系统", "政务外网内容分发网络"),
    10: ("政务服务运营管理中心系统",),
    11: ("市级政务信息资源共享平台",),
    12: ("人口基础信息库", "法人单位基础信息库", "自然资源和空间地理基础信息库", "社会信用信息库"),
    13: ("政务信息资源目录系统",),
    14: ("政务数据开放平台",),
}

# The 21 prefecture-level cities of Guangdong, for province-scale inventories (their divisions are synthetic).
GUANGDONG_CITIES = (
    ("gz", "广州市", "440100"),
    ("sz", "深圳市", "440300"),
    ("zh", "珠海市", "440400"),
    ("st", "汕头市", "440500"),
    ("fs", "佛山市", "440600"),
    ("sg", "韶关市", "440200"),
    ("zj", "湛江市", "440800"),
    ("zq", "肇庆市", "441200"),
    ("jm", "江门市", "440700"),
    ("mm", "茂名市", "440900"),
    ("hz", "惠州市", "441300"),
    ("mz", "梅州市", "441400"),
    ("sw", "汕尾市", "441500"),
    ("hy", "河源市", "441600"),
    ("yj", "阳江市", "441700"),
    ("qy", "清远市", "441800"),
    ("dg", "东莞市", "441900"),
    ("zs", "中山市", "442000"),
    ("cz", "潮州市", "445100"),
    ("jy", "揭阳市", "445200"),
    ("yf", "云浮市", "445300"),
)
