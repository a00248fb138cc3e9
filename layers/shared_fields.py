"""Fields that mean the same thing in several layers, declared once."""

from __future__ import annotations

from layers.parameters import parameter_problem
from layers.spec import Field, FieldType, choice

#: HJ 212-2017 device identifier (MN): up to 24 characters (6.3.2).
DEVICE_MN = Field(
    "mn",
    FieldType.TEXT,
    "设备MN号",
    "Device MN (HJ 212)",
    pattern="^[0-9A-Za-z]{1,24}$",
    aliases=("MN", "MN号"),
)

#: GB/T 2260 administrative division code: six digits.
ADMIN_CODE = Field(
    "admin_code",
    FieldType.TEXT,
    "行政区编码",
    "Administrative division code",
    pattern="^[0-9]{6}$",
    aliases=("行政区划代码",),
)

#: A monitoring parameter by its HJ 212-2017 code (names and aliases are accepted on load).
PARAMETER = Field(
    "parameter",
    FieldType.TEXT,
    "监测因子",
    "Parameter (HJ 212 code)",
    required=True,
    pattern="^[a-z][0-9]{5}$",
    check=parameter_problem,
    aliases=("因子编码", "因子"),
    # the dictionary is written from the catalogue in code, which check= enforces on load; a
    # constraint would order every load of observations after it and cost the HJ 212 listener
    references="parameters.code",
    enforced=False,
)

#: The averaging periods of the quality standards (GB 3095 Table 1, GB 3838 single samples).
AVERAGING_PERIOD = Field(
    "period",
    FieldType.TEXT,
    "平均时间",
    "Averaging period",
    required=True,
    choices=(
        choice("1h", "1小时平均", "1-hour mean"),
        choice("8h", "日最大8小时平均", "Max daily 8-hour mean"),
        choice("24h", "24小时平均", "24-hour mean"),
        choice("annual", "年平均", "Annual mean"),
        choice("sample", "单次", "Single sample"),
    ),
)

#: Which side of a limit a value must stay on: below an upper limit, above a lower one (GB 3838
#: DO; pH 6-9 is one of each).
LIMIT_BOUND = Field(
    "bound",
    FieldType.TEXT,
    "限值方向",
    "Bound",
    required=True,
    choices=(
        choice("upper", "上限", "Upper"),
        choice("lower", "下限", "Lower"),
    ),
)

#: A monitoring station, by its code (observations and exceedance events belong to one).
STATION_CODE = Field(
    "station_code",
    FieldType.TEXT,
    "站点编码",
    "Station code",
    required=True,
    references="stations.code",
    aliases=("站点编号", "点位编码"),
)


def running_total_fields(
    share_zh: str, share_en: str, exceeded_zh: str
) -> tuple[Field, Field, Field, Field]:
    """The derived fields of a yearly total against its allowance (a permit's, the park's
    target): the running total, its share, the warning (from 80 %, over at 100 %, as
    :mod:`sources.totals` judges) and the date it was summed to."""
    return (
        Field(
            "emitted_t",
            FieldType.REAL,
            "当年累计排放量",
            "Running total",
            unit="t",
            derived=True,
        ),
        Field("share_pct", FieldType.REAL, share_zh, share_en, unit="%", derived=True),
        Field(
            "total_status",
            FieldType.TEXT,
            "总量预警",
            "Total warning",
            choices=(
                choice("normal", "正常", "Normal"),
                choice("warning", "预警（≥80%）", "Warning (≥ 80 %)"),
                choice("exceeded", exceeded_zh, "Exceeded (≥ 100 %)"),
            ),
            derived=True,
        ),
        Field("as_of", FieldType.DATE, "统计截至", "Totals as of", derived=True),
    )
