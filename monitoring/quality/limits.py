"""The limits of the standards, chosen by date, and which standard applies to which station.

Limits come from the ``standard_limits`` table (loaded from data/standards by ``onemap
standards load``) or straight from those files. A value is judged by the row whose
``valid_from <= local date <= valid_to`` (``valid_to`` empty = open), so data of 2025 is judged
by GB 3095-2012 and data from 2026-03-01 by GB 3095-2026.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import sqlalchemy as sa

from layers.declared_fields import ACCEPTED
from layers.outfalls import ONLINE_STATION_RADIUS_M
from layers.parameters import BY_CODE

LIMIT_COLUMNS = [
    "standard",
    "edition",
    "title",
    "parameter",
    "quality_class",
    "period",
    "bound",
    "limit_value",
    "unit",
    "valid_from",
    "valid_to",
    "clause",
    "confirmed",
]

#: Station type → (standard, class) it is judged by. Ambient air stations in a park are in a
#: class II area (GB 3095 4.1); surface water is judged against class III, the usual target of
#: a receiving river (set per park); fugitive boundary stations by GB 16297's boundary limit;
#: sewer online stations by GB/T 31962 grade B. Met, hydro, noise, soil and groundwater
#: stations have no limits here yet.
DEFAULT_STANDARDS: Mapping[str, tuple[str, str]] = {
    "air": ("GB 3095", "II"),
    "surface_water": ("GB 3838", "III"),
    "fugitive": ("GB 16297", "周界"),
    "source_online": ("GB/T 31962", "B"),
}

#: Unit conversions the judgement needs: (from, to) → factor.
UNIT_FACTORS: Mapping[tuple[str, str], float] = {
    ("mg/m³", "μg/m³"): 1000.0,
    ("μg/m³", "mg/m³"): 0.001,
    # groundwater metals: the catalogue's μg/L, GB/T 14848's mg/L
    ("μg/L", "mg/L"): 0.001,
    ("mg/L", "μg/L"): 1000.0,
}


#: Spellings of "no unit" (pH): observations store none, the standards' files say 无量纲.
DIMENSIONLESS = frozenset({"", "无量纲"})


def _unit_key(unit: object) -> str:
    if unit is None or (isinstance(unit, float) and unit != unit):  # None or NaN: no unit
        return ""
    text = str(unit)
    return "" if text in DIMENSIONLESS else text


def unit_factor(from_unit: object, to_unit: object) -> float:
    """The factor turning a value in ``from_unit`` into ``to_unit``; NaN when unknown.

    No unit, an empty unit and 无量纲 are the same (dimensionless, e.g. pH)."""
    source, target = _unit_key(from_unit), _unit_key(to_unit)
    if source == target:
        return 1.0
    return UNIT_FACTORS.get((source, target), float("nan"))


def unit_factors(units: npt.ArrayLike, limit_units: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """:func:`unit_factor` element-wise, computed once per distinct pair of units."""
    unit_codes, unit_values = pd.factorize(np.asarray(units, dtype=object), use_na_sentinel=False)
    limit_codes, limit_values = pd.factorize(
        np.asarray(limit_units, dtype=object), use_na_sentinel=False
    )
    table = np.array(
        [[unit_factor(u, lu) for lu in limit_values] for u in unit_values], dtype=float
    ).reshape(len(unit_values), len(limit_values))
    factors: npt.NDArray[np.float64] = table[unit_codes, limit_codes]
    return factors


def read_limits(connection: sa.Connection) -> pd.DataFrame:
    """Every row of ``standard_limits``."""
    columns = ", ".join(f'"{c}"' for c in LIMIT_COLUMNS)
    rows = connection.execute(sa.text(f"SELECT {columns} FROM standard_limits")).all()
    return _typed(pd.DataFrame([tuple(r) for r in rows], columns=LIMIT_COLUMNS))


def read_limit_files(directory: str | Path) -> pd.DataFrame:
    """The limits of every CSV in ``directory`` (data/standards), as the table would hold them."""
    frames = [
        pd.read_csv(p, dtype=str, keep_default_na=False)
        for p in sorted(Path(directory).glob("*.csv"))
        if not p.name.endswith(".rejects.csv")
    ]
    frame = pd.concat(frames, ignore_index=True)[LIMIT_COLUMNS]
    frame["limit_value"] = frame["limit_value"].astype(float)
    frame["confirmed"] = frame["confirmed"].str.lower().eq("true")
    frame["valid_from"] = pd.to_datetime(frame["valid_from"]).dt.date
    frame["valid_to"] = pd.to_datetime(frame["valid_to"].replace("", None)).dt.date
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["limit_value"] = frame["limit_value"].astype(float)
    frame["valid_from"] = pd.to_datetime(frame["valid_from"])
    frame["valid_to"] = pd.to_datetime(frame["valid_to"]).fillna(pd.Timestamp.max.normalize())
    return frame


def limits_by_date(
    values: pd.DataFrame, limits: pd.DataFrame, on: list[str], date_column: str = "date"
) -> pd.DataFrame:
    """``values`` joined with the limit row in force on each row's date.

    ``values`` has the ``on`` columns (e.g. standard, quality_class, parameter, period) and a
    ``date_column`` of naive local dates (datetime64); rows without a limit in force are left
    out. The limit's columns come in under their own names (``limit_value``, ``unit`` as
    ``limit_unit``, ``edition``, ``clause``, ``confirmed`` ...).
    """
    right = limits.rename(columns={"unit": "limit_unit"})
    merged = values.merge(right, on=on, how="inner")
    when = merged[date_column]
    in_force = (merged["valid_from"] <= when) & (when <= merged["valid_to"])
    return merged[in_force.to_numpy()].reset_index(drop=True)


def limit_for(
    limits: pd.DataFrame,
    *,
    standard: str,
    quality_class: str,
    parameter: str,
    period: str,
    on: dt.date,
    bound: str | None = None,
) -> pd.Series | None:
    """The one limit row in force on ``on``; ``None`` when there is none. A range (pH 6-9) has
    a row per bound: pass ``bound`` ("lower" or "upper") to choose one."""
    when = pd.Timestamp(on)
    if bound is not None:
        limits = limits[limits["bound"] == bound]
    rows = limits[
        (limits["standard"] == standard)
        & (limits["quality_class"] == quality_class)
        & (limits["parameter"] == parameter)
        & (limits["period"] == period)
        & (limits["valid_from"] <= when)
        & (when <= limits["valid_to"])
    ]
    if rows.empty:
        return None
    row: pd.Series = rows.iloc[int(np.argmax(rows["valid_from"].to_numpy()))]
    return row


#: The stations whose values are an outfall's: a source-online or fugitive station within
#: :data:`layers.outfalls.ONLINE_STATION_RADIUS_M` of an outfall (the nearest one), with the
#: standard and class that outfall names.
OUTFALL_STATIONS_SQL = sa.text(
    """
    SELECT s.code, o.code, o.credit_code, o.standard, o.standard_class
    FROM stations s
    JOIN LATERAL (
        SELECT code, credit_code, standard, standard_class FROM outfalls o
        WHERE ST_DWithin(o.geom::geography, s.geom::geography, :radius_m)
        ORDER BY o.geom::geography <-> s.geom::geography LIMIT 1
    ) o ON true
    WHERE s.type IN ('source_online', 'fugitive')
    """
)
OUTFALL_STATION_COLUMNS = [
    "station_code",
    "outfall_code",
    "credit_code",
    "standard",
    "quality_class",
]
#: How a permit limit is named where a standard's would be (events, popups).
PERMIT_STANDARD = "排污许可证 / discharge permit"


def read_outfall_stations(connection: sa.Connection) -> pd.DataFrame:
    """Station → the outfall it monitors, its enterprise and the outfall's standard and class
    (columns :data:`OUTFALL_STATION_COLUMNS`; standard and class may be empty)."""
    rows = connection.execute(OUTFALL_STATIONS_SQL, {"radius_m": ONLINE_STATION_RADIUS_M})
    return pd.DataFrame([tuple(r) for r in rows], columns=OUTFALL_STATION_COLUMNS)


def read_permit_limits(connection: sa.Connection, outfall_stations: pd.DataFrame) -> pd.DataFrame:
    """The ``permit_limits`` rows of the outfalls in ``outfall_stations``, shaped as limit rows
    (:data:`LIMIT_COLUMNS`) with the station they apply to: the standard is
    :data:`PERMIT_STANDARD`, the edition the permit number, the class the outfall code."""
    rows = connection.execute(
        sa.text(
            "SELECT outfall_code, permit_no, parameter, period, bound, limit_value, unit,"
            " valid_from, valid_to FROM permit_limits"
        )
    ).all()
    permits = pd.DataFrame(
        [tuple(r) for r in rows],
        columns=[
            "outfall_code",
            "permit_no",
            "parameter",
            "period",
            "bound",
            "limit_value",
            "unit",
            "valid_from",
            "valid_to",
        ],
    )
    return permit_limit_rows(permits, outfall_stations)


def permit_limit_rows(permits: pd.DataFrame, outfall_stations: pd.DataFrame) -> pd.DataFrame:
    """Permit rows (outfall_code, permit_no, parameter, period, bound, limit_value, unit,
    valid_from, valid_to) as typed limit rows with a ``station_code`` column."""
    joined = permits.merge(outfall_stations[["station_code", "outfall_code"]], on="outfall_code")
    frame = pd.DataFrame(
        {
            "station_code": joined["station_code"],
            "standard": PERMIT_STANDARD,
            "edition": joined["permit_no"].fillna("").astype(str),
            "title": "排污许可证许可排放浓度 / permitted concentration",
            "parameter": joined["parameter"],
            "quality_class": joined["outfall_code"],
            "period": joined["period"],
            "bound": joined["bound"],
            "limit_value": joined["limit_value"],
            "unit": joined["unit"],
            "valid_from": joined["valid_from"],
            "valid_to": joined["valid_to"],
            "clause": "排污许可证 " + joined["permit_no"].fillna("").astype(str) + " / permit",
            "confirmed": True,
        }
    )
    return _typed(frame)


ONE_DAY = pd.Timedelta(days=1)


def outside_permits(standard_rows: pd.DataFrame, permits: pd.DataFrame) -> pd.DataFrame:
    """The standard's limit rows of stations and pollutants a permit limits, cut to the dates
    no permit row is valid (a permit of 2025-01-01 to 2025-06-30 leaves the standard's row of
    1998 in force until 2024-12-31 and again from 2025-07-01). Both frames are typed limit
    rows with ``station_code``; a row may become several, or none."""
    if standard_rows.empty:
        return standard_rows
    windows: dict[tuple[str, str], list[tuple[pd.Timestamp, pd.Timestamp]]] = {}
    for station, parameter, valid_from, valid_to in zip(
        permits["station_code"],
        permits["parameter"],
        permits["valid_from"],
        permits["valid_to"],
        strict=True,
    ):
        windows.setdefault((station, parameter), []).append((valid_from, valid_to))
    pieces: list[pd.Series] = []
    for _, row in standard_rows.iterrows():  # a few rows per outfall station
        start: pd.Timestamp | None = row["valid_from"]
        end = row["valid_to"]
        key = (row["station_code"], row["parameter"])
        for permit_start, permit_end in sorted(windows.get(key, [])):
            if start is None or permit_end < start or permit_start > end:
                continue
            if permit_start > start:
                pieces.append(_window(row, start, permit_start - ONE_DAY))
            start = None if permit_end >= end else permit_end + ONE_DAY
        if start is not None and start <= end:
            pieces.append(_window(row, start, end))
    if not pieces:
        return standard_rows.iloc[0:0]
    return pd.DataFrame(pieces).reset_index(drop=True).astype(standard_rows.dtypes.to_dict())


def _window(row: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    piece = row.copy()
    piece["valid_from"], piece["valid_to"] = start, end
    return piece


#: How an operating-condition threshold is named where a standard's would be (Jiangsu 7.4.7).
CONDITION_STANDARD = "工况报警阈值 / operating-condition threshold"
#: The accepted operating-condition points (submitted and returned ones are not judged).
CONDITIONS_SQL = sa.text(
    "SELECT code, station_code, parameter, unit, lower_limit, upper_limit, facility, quantity"
    f" FROM operating_conditions WHERE {ACCEPTED}"
)


def _dictionary_unit(code: object) -> str | None:
    parameter = BY_CODE.get(str(code))
    return parameter.unit if parameter is not None else None


def condition_limit_rows(points: pd.DataFrame) -> pd.DataFrame:
    """Operating-condition points (code, station_code, parameter, unit, lower_limit,
    upper_limit, facility, quantity) as typed limit rows of 1 h means with a ``station_code``:
    one row per threshold set, the class the point's code, the edition the facility."""
    parts = []
    for bound, column in (("lower", "lower_limit"), ("upper", "upper_limit")):
        given = points[points[column].notna().to_numpy()]
        parts.append(
            pd.DataFrame(
                {
                    "station_code": given["station_code"],
                    "standard": CONDITION_STANDARD,
                    "edition": given["facility"].fillna("").astype(str),
                    "title": given["quantity"].fillna("").astype(str),
                    "parameter": given["parameter"],
                    "quality_class": given["code"],
                    "period": "1h",
                    "bound": bound,
                    "limit_value": given[column].astype(float),
                    # no unit given: the parameter's own, as the devices report it
                    "unit": given["unit"].fillna(given["parameter"].map(_dictionary_unit)),
                    "valid_from": pd.Timestamp("1900-01-01"),
                    "valid_to": pd.NaT,
                    "clause": "Jiangsu 7.4.7 工况监控",
                    "confirmed": True,
                }
            )
        )
    return _typed(pd.concat(parts, ignore_index=True))


def read_condition_limits(connection: sa.Connection) -> pd.DataFrame:
    """The accepted operating-condition thresholds as limit rows (:func:`condition_limit_rows`)."""
    columns = [
        "code",
        "station_code",
        "parameter",
        "unit",
        "lower_limit",
        "upper_limit",
        "facility",
        "quantity",
    ]
    rows = connection.execute(CONDITIONS_SQL).all()
    return condition_limit_rows(pd.DataFrame([tuple(r) for r in rows], columns=columns))


def station_limits(
    stations: pd.DataFrame,
    limits: pd.DataFrame,
    standards: Mapping[str, tuple[str, str]],
    outfall_stations: pd.DataFrame | None = None,
    permits: pd.DataFrame | None = None,
    conditions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every limit row each station is judged by, with its ``station_code``.

    A station is judged by the standard and class of its type (``standards``), unless it
    monitors an outfall that names its own (``outfall_stations``: station_code, standard,
    quality_class). A permit limit (``permits``, from :func:`permit_limit_rows`) replaces the
    standard's limits of that pollutant at that station, in every period: the permit states
    the pollutant's limit, not the standard's, while it is valid: before and after its
    dates the standard's limits apply (:func:`outside_permits`). Operating-condition thresholds
    (``conditions``, from :func:`condition_limit_rows`) are judged beside them.
    """
    applies = pd.DataFrame(
        [
            (code, *standards[kind])
            for code, kind in zip(stations["code"], stations["type"], strict=True)
            if kind in standards
        ],
        columns=["station_code", "standard", "quality_class"],
    )
    if outfall_stations is not None and not outfall_stations.empty:
        own = outfall_stations.dropna(subset=["standard", "quality_class"])
        own = own[(own["standard"] != "") & (own["quality_class"] != "")]
        applies = pd.concat(
            [
                applies[~applies["station_code"].isin(own["station_code"])],
                own[["station_code", "standard", "quality_class"]],
            ],
            ignore_index=True,
        )
    candidates = applies.merge(limits, on=["standard", "quality_class"])
    if permits is not None and not permits.empty:
        overridden = candidates.set_index(["station_code", "parameter"]).index.isin(
            permits.set_index(["station_code", "parameter"]).index
        )
        candidates = pd.concat(
            [
                candidates[~overridden],
                outside_permits(candidates[overridden], permits)[candidates.columns],
                permits[candidates.columns],
            ],
            ignore_index=True,
        )
    if conditions is None or conditions.empty:
        return candidates
    return pd.concat([candidates, conditions[candidates.columns]], ignore_index=True)
