"""From checked HJ 212 packets to rows of ``observations``, and into the database.

Which device is which: an MN in ``stations.mn`` is that station. An MN in ``outfalls.mn`` is
stored under the pollution-source online station (type ``source_online``) standing at that
outfall, i.e. within :data:`OUTFALL_STATION_RADIUS_M` of it (the observations table is keyed
by station); an outfall without such a station, and any other MN, is unknown and its packets
are dropped with the reason. Stored values go through :func:`etl.upsert.upsert`, the same
COPY + upsert every file load uses, so a packet sent twice changes nothing.

Which data is stored: by default the hour data (CN 2061, its ``Avg`` at the start of the
hour, which is how the observations layer and the judgement in ``monitoring.quality`` count
hours). Real-time (2011) and minute (2051) data can be stored as well (``kinds``); day data
(2031) is accepted and acknowledged but not stored by default, since its 00:00 stamp would
overwrite that hour's value (daily means are computed from the hours).
"""

from __future__ import annotations

import logging
import time
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import psycopg
import sqlalchemy as sa

from accounts.audit import set_actor
from etl.upsert import append, upsert
from layers import get_layer
from layers.outfalls import ONLINE_STATION_RADIUS_M
from layers.parameters import BY_CODE
from monitoring.hj212.codec import DATA_FLAGS, VALUE_FIELD, FrameError, Packet, parse_time

log = logging.getLogger("onemap.hj212")

#: How far an outfall's online station may stand from the outfall's point.
OUTFALL_STATION_RADIUS_M = ONLINE_STATION_RADIUS_M
DEFAULT_KINDS: frozenset[str] = frozenset({"hour"})
ALL_KINDS: frozenset[str] = frozenset({"realtime", "minute", "hour", "day"})

#: One stored value: (MN, time, parameter, value, unit, flag).
ValueRow = tuple[str, pd.Timestamp, str, float, str, str]
OBSERVATION_COLUMNS = ["station_code", "time", "parameter", "value", "unit", "flag"]


def packet_values(packet: Packet, zone: zoneinfo.ZoneInfo, kinds: Iterable[str]) -> list[ValueRow]:
    """The values ``packet`` carries that are to be stored; :class:`FrameError` when its CP is
    malformed (no DataTime, a value that is not a number, an unknown data flag).

    Factors whose code is not in the parameter registry are skipped with a log line: the rest
    of the packet is good.
    """
    kind = packet.kind
    if kind is None:
        return []
    if packet.data_time is None:
        raise FrameError("cp", "数据包缺少DataTime / data packet without DataTime")
    stamp = pd.Timestamp(parse_time(packet.data_time, zone))
    value_field = VALUE_FIELD[kind]
    rows: list[ValueRow] = []
    for factor in packet.factors:
        text = factor.fields.get(value_field)
        if text is None:
            if factor.fields.get("Flag") is None and not factor.fields.keys() & {"Rtd", "Avg"}:
                continue  # e.g. a ZsRtd-only or Cou-only group: nothing to store
            raise FrameError(
                "cp", f"{factor.code}缺少{value_field} / {factor.code} has no {value_field} value"
            )
        try:
            value = float(text)
        except ValueError:
            raise FrameError(
                "cp",
                f"{factor.code}的值不是数字 / {factor.code}-{value_field}={text!r} is not a number",
            ) from None
        flag = factor.fields.get("Flag", "N")
        if flag not in DATA_FLAGS:
            raise FrameError(
                "cp", f"{factor.code}数据标记未知 / unknown data flag {factor.code}-Flag={flag!r}"
            )
        parameter = BY_CODE.get(factor.code)
        if parameter is None:
            log.warning("MN %s: 未知因子 / unknown factor %s skipped", packet.mn, factor.code)
            continue
        rows.append((packet.mn, stamp, factor.code, value, parameter.unit, flag))
    return rows if kind in set(kinds) else []


@dataclass
class MnDirectory:
    """MN → station code, read from ``stations`` and ``outfalls``; reread on a miss at most
    every ``refresh_s`` seconds so devices registered while the listener runs are found."""

    engine: sa.Engine
    refresh_s: float = 5.0

    def __post_init__(self) -> None:
        self._stations: dict[str, str] = {}
        self._outfalls: dict[str, tuple[str, str | None]] = {}
        self._read_at = float("-inf")
        self.reload()

    def reload(self) -> None:
        with self.engine.connect() as connection:
            self._stations = {
                mn: code
                for mn, code in connection.execute(
                    sa.text("SELECT mn, code FROM stations WHERE mn IS NOT NULL")
                )
            }
            # The nearest source-online station within the radius, per outfall with an MN.
            self._outfalls = {
                mn: (outfall, station)
                for mn, outfall, station in connection.execute(
                    sa.text(
                        "SELECT o.mn, o.code, s.code FROM outfalls o LEFT JOIN LATERAL ("
                        " SELECT code FROM stations s WHERE s.type = 'source_online'"
                        " AND ST_DWithin(s.geom::geography, o.geom::geography, :radius)"
                        " ORDER BY s.geom::geography <-> o.geom::geography LIMIT 1) s ON true"
                        " WHERE o.mn IS NOT NULL"
                    ),
                    {"radius": OUTFALL_STATION_RADIUS_M},
                )
            }
        self._read_at = time.monotonic()

    def station_for(self, mn: str) -> str:
        """The station code for ``mn``; :class:`FrameError` (code ``mn``) when there is none."""
        code = self._lookup(mn)
        if code is None and time.monotonic() - self._read_at >= self.refresh_s:
            self.reload()
            code = self._lookup(mn)
        if code is not None:
            return code
        if mn in self._outfalls:
            raise FrameError(
                "mn",
                f"排口{self._outfalls[mn][0]}的MN {mn}没有对应的在线监测站点 / MN {mn} is "
                f"outfall {self._outfalls[mn][0]}, which has no source_online station",
            )
        raise FrameError("mn", f"未知MN {mn} / unknown MN {mn}: not in stations or outfalls")

    def _lookup(self, mn: str) -> str | None:
        if mn in self._stations:
            return self._stations[mn]
        outfall = self._outfalls.get(mn)
        return outfall[1] if outfall is not None else None


def _rows_frame(rows: Sequence[ValueRow]) -> pd.DataFrame:
    """``rows`` as columns. The times go in as integers (UTC nanoseconds) in the zone of the
    first: pandas would otherwise parse a column of Timestamp objects one by one, the largest
    cost of a batch's frame."""
    names = ["mn", *OBSERVATION_COLUMNS[1:]]
    times = [row[1] for row in rows]
    if not rows or not all(isinstance(t, pd.Timestamp) and t.tz is not None for t in times):
        return pd.DataFrame(list(rows), columns=names)
    mns, _, parameters, values, units, flags = zip(*rows, strict=True)
    nanoseconds = np.fromiter((t.value for t in times), dtype=np.int64, count=len(times))
    when = pd.to_datetime(nanoseconds, unit="ns", utc=True).tz_convert(times[0].tz)
    when = when.as_unit(times[0].unit)  # the resolution pandas would have given them
    return pd.DataFrame(
        {
            "mn": list(mns),
            "time": when,
            "parameter": list(parameters),
            "value": pd.array(values, dtype="float64").to_numpy(dtype=float, na_value=np.nan),
            "unit": list(units),
            "flag": list(flags),
        }
    )


def observation_frame(rows: Sequence[ValueRow], station_of: dict[str, str]) -> pd.DataFrame:
    """The observation rows of values whose MN is in ``station_of``; a later value for the
    same (station, parameter, time) replaces an earlier one, as the upsert would."""
    frame = _rows_frame(rows)
    frame.insert(0, "station_code", frame.pop("mn").map(station_of))
    frame = frame.dropna(subset=["station_code"])
    frame = frame.drop_duplicates(subset=["station_code", "parameter", "time"], keep="last")
    return frame.reset_index(drop=True)


#: Who stores device data, as the audit trail records each batch.
HJ212_ACTOR = "hj212"


def store_values(
    connection: sa.Connection, frame: pd.DataFrame, actor: str = HJ212_ACTOR
) -> tuple[int, int]:
    """Upsert observation rows inside ``connection``'s transaction; (inserted, updated). The
    audit trail records the batch (its row count) under ``actor``.

    Device values are nearly always new: they are COPied straight into the table in a
    savepoint, and only when one is there already (a packet sent again) does the batch take
    the staging table and ``INSERT ... ON CONFLICT`` of :func:`etl.upsert.upsert` (the direct
    COPY costs the database a tenth less and the writer no staging table)."""
    set_actor(connection, actor)
    layer = get_layer("observations")
    try:
        with connection.begin_nested():
            return append(connection, layer, frame), 0
    except psycopg.errors.UniqueViolation:
        return upsert(connection, layer, frame)
