"""Monitoring parameters, named by their HJ 212-2017 codes (Appendix B of the standard).

Observations, outfall pollutant lists and standard limits refer to parameters by these codes.
The unit is the one ambient monitoring reports; source (stack) concentrations are in mg/m³ and
are carried with each observation's own unit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Parameter:
    code: str
    zh: str
    en: str
    unit: str
    medium: str  # "met", "air" or "water"
    aliases: tuple[str, ...] = ()


PARAMETERS: tuple[Parameter, ...] = (
    # meteorology (Jiangsu 7.3.6)
    Parameter("a01001", "温度", "Air temperature", "℃", "met", ("气温",)),
    Parameter("a01002", "湿度", "Relative humidity", "%", "met", ("相对湿度",)),
    Parameter("a01006", "气压", "Air pressure", "kPa", "met", ("大气压",)),
    Parameter("a01007", "风速", "Wind speed", "m/s", "met"),
    Parameter("a01008", "风向", "Wind direction", "°", "met"),
    # ambient air (GB 3095 basic items) and common source factors
    Parameter("a21026", "二氧化硫", "SO₂", "μg/m³", "air", ("SO2", "SO₂")),
    Parameter("a21004", "二氧化氮", "NO₂", "μg/m³", "air", ("NO2", "NO₂")),
    Parameter("a21002", "氮氧化物", "NOx", "mg/m³", "air", ("NOx", "NOX")),
    Parameter("a21005", "一氧化碳", "CO", "mg/m³", "air", ("CO",)),
    Parameter("a05024", "臭氧", "O₃", "μg/m³", "air", ("O3", "O₃")),
    Parameter("a34002", "可吸入颗粒物", "PM10", "μg/m³", "air", ("PM10",)),
    Parameter("a34004", "细颗粒物", "PM2.5", "μg/m³", "air", ("PM2.5", "PM25")),
    Parameter("a34013", "烟尘", "Smoke dust", "mg/m³", "air", ("颗粒物",)),
    Parameter("a24088", "非甲烷总烃", "Non-methane hydrocarbons", "mg/m³", "air", ("NMHC", "VOCs")),
    Parameter("a21028", "硫化氢", "H₂S", "mg/m³", "air", ("H2S",)),
    Parameter("a21001", "氨", "NH₃", "mg/m³", "air", ("氨气", "NH3")),
    Parameter("a00000", "废气流量", "Flue-gas flow", "m³/h", "air", ("标干流量",)),
    # surface water and wastewater (GB 3838, HJ 212 water factors)
    Parameter("w00000", "污水流量", "Wastewater flow", "L/s", "water", ("流量",)),
    Parameter("w01001", "pH值", "pH", "", "water", ("pH",)),
    Parameter("w01009", "溶解氧", "Dissolved oxygen", "mg/L", "water", ("DO",)),
    Parameter("w01010", "水温", "Water temperature", "℃", "water"),
    Parameter("w01018", "化学需氧量", "COD", "mg/L", "water", ("COD", "CODcr")),
    Parameter("w01019", "高锰酸盐指数", "Permanganate index", "mg/L", "water", ("CODMn",)),
    Parameter("w21003", "氨氮", "NH₃-N", "mg/L", "water", ("NH3-N",)),
    Parameter("w21011", "总磷", "Total phosphorus", "mg/L", "water", ("TP",)),
    Parameter("w21001", "总氮", "Total nitrogen", "mg/L", "water", ("TN",)),
)

BY_CODE: dict[str, Parameter] = {p.code: p for p in PARAMETERS}


def resolve_parameter(text: str) -> str | None:
    """The HJ 212 code for a code, a Chinese name or an alias; ``None`` when unknown."""
    key = text.strip()
    if key in BY_CODE:
        return key
    folded = key.casefold()
    for p in PARAMETERS:
        if folded in {p.zh.casefold(), p.en.casefold(), *(a.casefold() for a in p.aliases)}:
            return p.code
    return None


def parameter_list_problem(codes: object) -> str | None:
    """``None`` when every element is a known HJ 212 code, else the reason in one line."""
    if not isinstance(codes, list | tuple):
        return "污染物应为HJ 212编码列表 / pollutants must be a list of HJ 212 codes"
    unknown = [c for c in codes if c not in BY_CODE]
    if unknown:
        return f"未知的HJ 212因子编码 {', '.join(map(str, unknown))} / unknown HJ 212 codes"
    return None


def parameter_problem(code: object) -> str | None:
    """``None`` for a known HJ 212 parameter code, else the reason in one line."""
    if isinstance(code, str) and code in BY_CODE:
        return None
    return f"未知监测因子 {code} / unknown parameter {code} (not in the HJ 212 catalogue)"
