"""The HJ 212 factor code tables shipped as data, and how a code sent by a device is resolved.

``data/hj212_2017_factors.csv``: HJ 212-2017 Appendix B codes (water ``w``, air ``a``,
meteorology — the ``a01`` group — and noise ``L..``) with Chinese names and units.
``data/hj212_2005_codes.csv``: the HJ/T 212-2005 codes older devices still send (``011`` COD,
``060`` NH₃-N, ``B01`` wastewater flow, two-digit air codes, ``S01``-``S08`` flue-gas state)
with the 2017 code each became.

Column ``checked``: ``yes`` where the row agrees with a second public transcription of the
standard's tables (srdgame/lua-HJ212 ``hj212/tags/info.lua``, which pairs each 2017 code with
its 2005 code); ``no`` where it could not be confirmed against one (O₃ ``a05024`` is the
park's catalogue code, absent from that transcription). Meteorology beyond temperature,
humidity, pressure, wind speed and direction (rain, radiation, illuminance, sunshine hours)
has no code in either table and is not listed: devices sending vendor codes for them are kept
as unregistered values.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from layers.parameters import BY_CODE

DATA_DIR = Path(__file__).resolve().parent / "data"
FACTORS_2017 = DATA_DIR / "hj212_2017_factors.csv"
CODES_2005 = DATA_DIR / "hj212_2005_codes.csv"


@dataclass(frozen=True)
class ListedFactor:
    """One row of the HJ 212-2017 tables."""

    code: str
    name_zh: str
    unit: str
    medium: str
    checked: bool


@dataclass(frozen=True)
class Resolved:
    """What a code sent by a device is.

    ``code`` is the 2017 code when the sent one is a 2005 code, else the code as sent;
    ``registered`` says whether the park's catalogue (``layers.parameters``) has it, i.e.
    whether it can be stored in ``observations``; ``listed`` is its row in the 2017 tables.
    """

    sent: str
    code: str
    registered: bool
    listed: ListedFactor | None
    from_2005: bool

    @property
    def unit(self) -> str:
        """The catalogue's unit for a registered code, else the tables' unit (or none)."""
        if self.registered:
            return BY_CODE[self.code].unit
        return self.listed.unit if self.listed is not None else ""

    @property
    def name_zh(self) -> str:
        if self.registered:
            return BY_CODE[self.code].zh
        return self.listed.name_zh if self.listed is not None else ""


@functools.cache
def factors_2017() -> dict[str, ListedFactor]:
    """The HJ 212-2017 table rows by code."""
    with FACTORS_2017.open(encoding="utf-8") as stream:
        return {
            row["code"]: ListedFactor(
                row["code"], row["name_zh"], row["unit"], row["medium"], row["checked"] == "yes"
            )
            for row in csv.DictReader(stream)
        }


@functools.cache
def codes_2005() -> dict[str, str]:
    """HJ/T 212-2005 code → HJ 212-2017 code."""
    with CODES_2005.open(encoding="utf-8") as stream:
        return {row["code_2005"]: row["code_2017"] for row in csv.DictReader(stream)}


@functools.lru_cache(maxsize=4096)
def resolve(sent: str) -> Resolved:
    """Resolve a code as a device sent it (cached; bounded, since devices choose the codes)."""
    mapped = codes_2005().get(sent)
    code = mapped or sent
    return Resolved(
        sent=sent,
        code=code,
        registered=code in BY_CODE,
        listed=factors_2017().get(code),
        from_2005=mapped is not None,
    )
