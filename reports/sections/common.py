"""Small shared pieces of the sections: parameter names and the AQI grades."""

from __future__ import annotations

from layers.parameters import BY_CODE

#: HJ 633-2012 Table 2: AQI upper bound of each grade, its name and its colour.
AQI_GRADES: tuple[tuple[int, str, str, str], ...] = (
    (50, "优", "Excellent", "#00e400"),
    (100, "良", "Good", "#ffff00"),
    (150, "轻度污染", "Lightly polluted", "#ff7e00"),
    (200, "中度污染", "Moderately polluted", "#ff0000"),
    (300, "重度污染", "Heavily polluted", "#99004c"),
    (10**9, "严重污染", "Severely polluted", "#7e0023"),
)
NO_DATA_COLOUR = "#dddddd"


def aqi_grade(aqi: float) -> tuple[str, str, str]:
    """(Chinese name, English name, colour) of the HJ 633 grade of ``aqi``."""
    for bound, zh, en, colour in AQI_GRADES:
        if aqi <= bound:
            return zh, en, colour
    return AQI_GRADES[-1][1:]  # pragma: no cover - the last bound is unreachable


def parameter_name(code: object) -> str:
    """``细颗粒物 PM2.5`` for ``a34004``; unknown codes as they are."""
    parameter = BY_CODE.get(str(code))
    return f"{parameter.zh} {parameter.en}" if parameter else str(code)


def no_data_note(what_zh: str, what_en: str) -> tuple[str, str]:
    """The sentence a section shows when its module has no data for the period."""
    return f"本期无{what_zh}数据。", f"No {what_en} data for this period."
