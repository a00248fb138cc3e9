"""CAS Registry Numbers and their check digit.

A CAS number is two to seven digits, a hyphen, two digits, a hyphen and one check digit
(``7732-18-5``). The check digit is the sum of every other digit multiplied by its position
counted from the right (the digit just before the check digit is position 1), modulo 10
(CAS, "Check Digit Verification of CAS Registry Numbers").
"""

from __future__ import annotations

import re

PATTERN = "^[0-9]{2,7}-[0-9]{2}-[0-9]$"
_SHAPE = re.compile(PATTERN)


def check_digit(digits: str) -> int:
    """The check digit of a CAS number's digits before the check digit (hyphens removed)."""
    if not digits.isdigit():
        raise ValueError("a CAS number's body is digits only")
    return sum(position * int(d) for position, d in enumerate(reversed(digits), start=1)) % 10


def cas_problem(value: object) -> str | None:
    """``None`` when ``value`` is a well-formed CAS number with the right check digit."""
    if not isinstance(value, str) or not _SHAPE.match(value):
        return f"CAS号格式应为 NNNNNNN-NN-R / a CAS number looks like 7732-18-5, got {value!r}"
    body, check = value[:-2].replace("-", ""), int(value[-1])
    expected = check_digit(body)
    if check != expected:
        return (
            f"CAS号校验位错误，应为{expected} / CAS number {value} has check digit {check}, "
            f"expected {expected}"
        )
    return None


def cas_list_problem(value: object) -> str | None:
    """``None`` when every element of a list of CAS numbers is well formed and checks."""
    if not isinstance(value, list | tuple):
        return cas_problem(value)
    for element in value:
        problem = cas_problem(element)
        if problem:
            return problem
    return None
