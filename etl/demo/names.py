"""Fictional but realistic Chinese names, contacts, phone numbers and identifiers.

Every name is drawn from the generator's random stream, so it is the same for the same seed.
The unified social credit code follows GB 32100-2015: registration authority ``9`` (market
regulation) and type ``1`` (enterprise), the 6-digit administrative division code, the 9-character
organisation code of GB 11714-1997 (8 body characters and its own check character), and the
GB 32100 check character.
"""

from __future__ import annotations

import numpy as np

from layers.credit_code import ALPHABET, check_character

# Surnames weighted towards those common in Taizhou and along the lower Yangtze.
SURNAMES = (
    "王陈张朱丁李刘周徐吴顾钱孙杨黄何蒋沈陆季封戴严殷缪冯曹韩卢范夏许郭姜仲叶赵胡高马唐"
    "葛汪邱庞孔鞠毛潘陶万"
)
GIVEN_FIRST = "建国志海晓春永明文玉伟红立俊家学卫新振德光宏美秀爱金小雪正长兆雨梦佳国晨"
GIVEN_SECOND = "华平强东军峰林芳燕兵勇军明荣生涛杰敏静霞斌亮辉波凯丽娟琴伟龙飞鹏宇磊洁婷云"

# Trade names (字号): two characters, avoiding well-known real brands of the area.
TRADE_FIRST = "恒瑞鑫华联泰永新鼎中汇宏润嘉盛天金源誉丰锦富宁盈康晟通安旭凯科昌荣博卓"
TRADE_SECOND = "盛祥昌泰达丰源信润宇诚辉业邦凯晖锐拓睿阳和安利隆泽远创德华峰新"

#: Pairs that spell a word or a well-known company's trade name; never used.
TRADE_BLOCKLIST = frozenset(
    {
        "通信",
        "中信",
        "安利",
        "华润",
        "华峰",
        "新安",
        "中化",
        "荣盛",
        "恒信",
        "天和",
        "华安",
        "金源",
        "宏达",
        "富安",
    }
)

COMPANY_PLACES = ("江苏", "泰兴市", "泰州", "江苏滨江", "")
COMPANY_PLACE_WEIGHTS = (0.38, 0.3, 0.12, 0.05, 0.15)

VILLAGE_NAMES = (
    "联盟村",
    "长胜村",
    "胜利村",
    "跃进村",
    "红旗村",
    "友谊村",
    "五星村",
    "南沙村",
    "北沙村",
    "蒋家村",
    "周家庄",
    "顾庄村",
    "何家圩",
    "丁家埭",
    "陈家堡",
    "大生村",
    "双桥村",
    "银杏村",
    "龙河村",
    "东兴村",
    "西湖村",
    "新联村",
    "三友村",
    "福星村",
    "永安村",
    "洋桥村",
    "过港村",
    "鞠庄村",
    "季家村",
    "仲家桥",
    "殷家堡",
    "曹家圩",
    "马桥村",
    "新民村",
    "团结村",
    "兴旺村",
    "南新村",
    "复兴村",
    "民主村",
    "七星村",
    "滨河社区",
    "阳光社区",
    "沿江社区",
    "向阳村",
)

MOBILE_PREFIXES = (
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "177",
    "180",
    "181",
    "182",
    "187",
    "188",
    "189",
    "199",
)
TAIZHOU_AREA_CODE = "0523"


def pick(rng: np.random.Generator, options: str | tuple[str, ...]) -> str:
    return str(options[int(rng.integers(len(options)))])


def person_name(rng: np.random.Generator) -> str:
    """A Chinese personal name: one-character surname and a one- or two-character given name."""
    given = pick(rng, GIVEN_FIRST) + pick(rng, GIVEN_SECOND)
    if rng.random() < 0.2:
        given = given[1] if rng.random() < 0.5 else given[0]
    return pick(rng, SURNAMES) + given


def phone_number(rng: np.random.Generator, landline_share: float = 0.3) -> str:
    """A mainland mobile number, or a Taizhou landline (0523-87xxxxxx)."""
    if rng.random() < landline_share:
        return f"{TAIZHOU_AREA_CODE}-87{int(rng.integers(0, 1_000_000)):06d}"
    return pick(rng, MOBILE_PREFIXES) + f"{int(rng.integers(0, 100_000_000)):08d}"


def trade_name(rng: np.random.Generator) -> str:
    first = pick(rng, TRADE_FIRST)
    second = pick(rng, TRADE_SECOND)
    while second == first or first + second in TRADE_BLOCKLIST:
        second = pick(rng, TRADE_SECOND)
    return first + second


def company_name(rng: np.random.Generator, noun: str, used: set[str]) -> str:
    """A unique company name such as ``江苏恒盛化工有限公司`` or ``瑞祥药业（泰兴）有限公司``."""
    while True:
        trade = trade_name(rng)
        roll = rng.random()
        if roll < 0.08:
            name = f"{trade}{noun}（泰兴）有限公司"
        else:
            place = str(rng.choice(COMPANY_PLACES, p=COMPANY_PLACE_WEIGHTS))
            suffix = "股份有限公司" if roll > 0.85 else "有限公司"
            name = f"{place}{trade}{noun}{suffix}"
        # one trade name per company, so no two names differ only in their industry word
        if f"trade:{trade}" not in used:
            used.update((name, f"trade:{trade}"))
            return name


# GB 11714-1997: organisation-code body weights, values 0-9 for digits and 10-35 for A-Z.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_LETTERS = "".join(c for c in ALPHABET if c.isalpha())


def organisation_check(body: str) -> str:
    """GB 11714 check character of an 8-character organisation-code body: 11 − Σ mod 11,
    with 10 written ``X`` and 11 written ``0``."""
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code(rng: np.random.Generator, admin_code: str, used: set[str]) -> str:
    """A valid, unique unified social credit code of an enterprise registered at ``admin_code``.

    Companies registered before the 2015 reform keep their numeric organisation code (often
    starting with 7); later ones get an ``MA`` code from the registration system.
    """
    while True:
        if rng.random() < 0.45:
            body = "7" + "".join(str(int(d)) for d in rng.integers(0, 10, 7))
        else:
            body = "MA" + pick(rng, "123") + "".join(pick(rng, ALPHABET) for _ in range(5))
        first17 = "91" + admin_code + body + organisation_check(body)
        code = first17 + check_character(first17)
        if code not in used:
            used.add(code)
            return code


def mn_number(rng: np.random.Generator, system: str, used: set[str]) -> str:
    """A 14-digit HJ 212 device MN: county code, the ST system code, a serial number."""
    while True:
        mn = f"321283{system}{int(rng.integers(0, 1_000_000)):06d}"
        if mn not in used:
            used.add(mn)
            return mn
