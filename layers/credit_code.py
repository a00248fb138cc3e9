"""The unified social credit code (统一社会信用代码) and its GB 32100-2015 check character.

The code has 18 characters drawn from the 31-symbol alphabet below (no I, O, Z, S, V). Each of the
first 17 symbols is worth its index in the alphabet; the check character is the symbol worth
``31 - (Σ value_i × weight_i mod 31)``, with 31 read as 0 (GB 32100-2015, 4.2 and Annex B).
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: Weights of positions 1-17: 3^(i-1) mod 31 (GB 32100-2015, Table B.1).
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
PATTERN = "^[0-9A-HJ-NPQRTUW-Y]{18}$"


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a credit code."""
    if len(first17) != 17:
        raise ValueError("a credit code has 17 characters before its check character")
    total = 0
    for char, weight in zip(first17.upper(), WEIGHTS, strict=True):
        value = ALPHABET.find(char)
        if value < 0:
            raise ValueError(f"{char!r} is not a credit-code character")
        total += value * weight
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: object) -> str | None:
    """``None`` when ``code`` is a valid credit code, else the reason in one line."""
    if not isinstance(code, str):
        return "统一社会信用代码必须是文本 / credit code must be text"
    if len(code) != 18:
        return (
            f"统一社会信用代码应为18位，实为{len(code)}位 / "
            f"credit code must have 18 characters, has {len(code)}"
        )
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        chars = "".join(bad)
        return f"统一社会信用代码含非法字符 {chars} / credit code has invalid characters {chars}"
    expected = check_character(code[:17])
    if code[17] != expected:
        return (
            f"统一社会信用代码校验位错误，应为{expected} / "
            f"credit code check character is {code[17]}, expected {expected}"
        )
    return None
