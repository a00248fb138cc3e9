"""The park's yearly total-load targets (Guangxi L 3(2) 总量控制目标) for SO₂, NOx,
particulates, VOCs, COD, NH₃-N, TN and TP, with what the park discharged that year and the
warning at 80 % and 100 %. The running totals are written by ``onemap quality --store`` from
the outfalls' loads: exhaust from every stack and fugitive point, water only from the outfalls
that discharge to a river (the WWTP's effluent, direct dischargers): what goes to the sewers
reaches the river through the WWTP and is counted there once."""

from __future__ import annotations

from dataclasses import replace

from layers.shared_fields import PARAMETER, running_total_fields
from layers.spec import Field, FieldType, Group, Layer

T = FieldType

#: The pollutants the park's targets are set for (Guangxi L 3(2)).
TARGET_PARAMETERS = (
    "a21026",
    "a21002",
    "a34013",
    "a24088",
    "w01018",
    "w21003",
    "w21001",
    "w21011",
)


def target_parameter_problem(code: object) -> str | None:
    """``None`` for one of :data:`TARGET_PARAMETERS`, else the reason in one line."""
    if code in TARGET_PARAMETERS:
        return None
    return (
        f"{code} 不是园区总量控制因子 / {code} is not a park total-load pollutant; use "
        + ", ".join(TARGET_PARAMETERS)
    )


LAYER = Layer(
    id="park_targets",
    zh="园区总量控制目标",
    en="Park total-load targets",
    group=Group.PARK,
    geometry=None,
    description_zh="园区二氧化硫、氮氧化物、颗粒物、VOCs、化学需氧量、氨氮、总氮、总磷年度总量目标及完成情况",
    description_en="The park's yearly targets for SO₂, NOx, particulates, VOCs, COD, NH₃-N, TN "
    "and TP, and the year's running totals",
    fields=(
        Field(
            "year",
            T.INTEGER,
            "年度",
            "Year",
            required=True,
            minimum=2000,
            maximum=2100,
        ),
        replace(PARAMETER, check=target_parameter_problem),
        Field(
            "target_t",
            T.REAL,
            "总量控制目标",
            "Target",
            unit="t",
            required=True,
            minimum=0,
            aliases=("总量目标",),
        ),
        *running_total_fields("占目标比例", "Share of the target", "超目标（≥100%）"),
    ),
    natural_key=("year", "parameter"),
    source="Guangxi T/GXAS 710-2024 L 3(2)",
)
