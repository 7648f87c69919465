"""Who eats in the demo canteen: departments of a district government compound and their people.

Everything is drawn from one seeded ``random.Random``, so the same seed gives the same roster.
"""
import random
from dataclasses import dataclass

#: code, name, relative size (机关事务服务中心 also employs the guards, cleaners and cooks).
DEPARTMENTS = [
    ("bgs", "区政府办公室", 9),
    ("zzb", "区委组织部", 6),
    ("xcb", "区委宣传部", 5),
    ("czj", "区财政局", 9),
    ("fgw", "区发改委", 7),
    ("rsj", "区人社局", 6),
    ("zjj", "区住建局", 6),
    ("sjj", "区审计局", 4),
    ("tjj", "区统计局", 3),
    ("xfj", "区信访局", 3),
    ("jgsw", "区机关事务服务中心", 12),
]

#: Diner category code and its share of the roster: mostly 在编职工, some 聘用人员, a few 来宾.
CATEGORY_MIX = [("staff", 0.76), ("contract", 0.19), ("guest", 0.05)]

#: Common surnames, most frequent first (weights fall off with rank, as in the census).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)

GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力斌宇浩凯鹏晨欣怡婷雪琳佳思雨子涵博俊峰鑫"
    "志海林波宁亮晶慧颖倩梅兰成国民永春东晓新立坤嘉瑶璐丹蕾薇泽航轩睿昊哲然诚毅德忠振云飞燕秋菊荣昌金鹤"
)

_PHONE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                   "157", "158", "159", "176", "177", "180", "181", "185", "186", "187", "188", "189", "199")


@dataclass
class Diner:
    """One person of the demo roster and how often they eat."""

    staff_no: str
    name: str
    department: str
    category: str
    phone: str
    #: Chance of eating each meal on a working day (breakfast, lunch, dinner).
    appetite: dict[str, float]
    #: How much of the working-day appetite remains at weekends.
    weekend: float


def chinese_name(rng: random.Random) -> str:
    """A plausible name: a frequency-weighted surname and a one- or two-character given name."""
    surname = rng.choices(SURNAMES, weights=[1 / (rank + 8) for rank in range(len(SURNAMES))])[0]
    size = 2 if rng.random() < 0.72 else 1
    return surname + "".join(rng.choice(GIVEN) for _ in range(size))


def _appetite(rng: random.Random, category: str) -> tuple[dict[str, float], float]:
    if category == "guest":
        return {"breakfast": 0.08, "lunch": rng.uniform(0.25, 0.5), "dinner": rng.uniform(0.1, 0.3)}, 0.2
    if category == "contract":  # guards, cleaners, cooks: early, often, and at weekends too
        return ({"breakfast": rng.uniform(0.35, 0.8), "lunch": rng.uniform(0.8, 0.98),
                 "dinner": rng.uniform(0.15, 0.5)}, 0.35)
    return ({"breakfast": rng.uniform(0.15, 0.6), "lunch": rng.uniform(0.75, 0.97),
             "dinner": rng.uniform(0.04, 0.3)}, 0.1)


def roster(rng: random.Random, people: int) -> list[Diner]:
    """`people` diners with unique names and staff numbers, in a fixed order for a fixed seed."""
    codes = [code for code, _, _ in DEPARTMENTS]
    sizes = [size for _, _, size in DEPARTMENTS]
    names: set[str] = set()
    diners = []
    for index in range(people):
        category = rng.choices([c for c, _ in CATEGORY_MIX], weights=[w for _, w in CATEGORY_MIX])[0]
        if index < len(codes):  # every department has someone
            department = codes[index]
        elif category == "contract" and rng.random() < 0.6:
            department = "jgsw"
        else:
            department = rng.choices(codes, weights=sizes)[0]
        name = chinese_name(rng)
        while name in names:
            name = chinese_name(rng)
        names.add(name)
        appetite, weekend = _appetite(rng, category)
        prefix = {"staff": "ZB", "contract": "PY", "guest": "LB"}[category]
        phone = rng.choice(_PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        diners.append(Diner(f"{prefix}{index + 1:04d}", name, department, category, phone, appetite, weekend))
    return diners


def card_uid(rng: random.Random, used: set[str]) -> str:
    """A fresh 4-byte UID as readers report it; never a random UID (first byte 08)."""
    while True:
        uid = f"{rng.getrandbits(32):08X}"
        if not uid.startswith("08") and uid not in used:
            used.add(uid)
            return uid
