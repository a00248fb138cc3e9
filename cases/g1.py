"""The problem codes of Guangxi T/GXAS 710-2024 Appendix G, Table G.1: category 1-7 and a
sub-item letter (``2b``: a pollution-control facility not running normally).

Shipped as data (``g1_codes.csv``) from the transcription in the shared standards reference.
The source repeats sub-item ``d`` in category 3; its "other" is ``3h`` here, as the
transcription notes. The Chinese problem texts are translated back from that English
transcription, and the rectification suggestions are this platform's default wording, not the
table's own (the transcription does not carry that column): an inspector may give their own.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import resources

from cases.errors import BadCaseInput

_CODE = re.compile(r"^\s*([1-7])\s*[-.]?\s*([a-jA-J])\s*$")


@dataclass(frozen=True)
class ProblemCode:
    """One row of Table G.1."""

    code: str
    category: int
    category_zh: str
    category_en: str
    problem_zh: str
    problem_en: str
    suggestion_zh: str
    suggestion_en: str

    def as_json(self) -> dict[str, object]:
        """The code as the API lists it."""
        return dict(self.__dict__)


@functools.cache
def codes() -> dict[str, ProblemCode]:
    """Every G.1 code, in the table's order."""
    text = resources.files("cases").joinpath("g1_codes.csv").read_text("utf-8")
    out = {}
    for row in csv.DictReader(text.splitlines()):
        out[row["code"]] = ProblemCode(
            code=row["code"],
            category=int(row["category"]),
            category_zh=row["category_zh"],
            category_en=row["category_en"],
            problem_zh=row["problem_zh"],
            problem_en=row["problem_en"],
            suggestion_zh=row["suggestion_zh"],
            suggestion_en=row["suggestion_en"],
        )
    return out


def problem_code(text: object) -> ProblemCode:
    """The G.1 code ``text`` names (``2b``, ``2-b``, ``2.B``); :class:`BadCaseInput` for one the
    table does not have."""
    match = _CODE.match(str(text)) if isinstance(text, str | int) else None
    code = f"{match.group(1)}{match.group(2).lower()}" if match else None
    if code is None or code not in codes():
        raise BadCaseInput(
            f"未知问题编码 / {text!r} is not a Guangxi G.1 code: category 1-7 and its sub-item "
            "letter, e.g. 2b (GET /ogcapi/collections/rectifications/codes lists them)"
        )
    return codes()[code]
