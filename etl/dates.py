"""Dates and timestamps as Chinese tables write them.

Accepted: ISO 8601 (``2024-01-02``, ``2024-01-02T08:00:00+08:00``), slashes and dots
(``2024/1/2 8:00``), Chinese (``2024年1月2日 8时30分``), the compact HJ 212-2017 ``DataTime``
(``20240102080000``, 6.3.2) and Excel serial day numbers (``45293``). A timestamp without a zone is
local time in the configured zone (``ONEMAP_TIMEZONE``, default ``Asia/Shanghai``).

Each distinct text is parsed once, by one regular expression and a vectorised assembly, so a
column of 250,000 hourly values costs about as much as its few thousand distinct ones. One value
(a feature written through the API) is parsed by the same expressions and assembled by
:func:`date_of` and :func:`instant_of`; ``tests/etl/test_field_rules.py`` holds both to the same
answers.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
import zoneinfo

import pandas as pd

from etl.errors import EtlError

DEFAULT_TIMEZONE = "Asia/Shanghai"
TIMEZONE_VARIABLE = "ONEMAP_TIMEZONE"

_SEPARATED = re.compile(
    r"^(?P<year>\d{4})[-/.年](?P<month>\d{1,2})[-/.月](?P<day>\d{1,2})[日号]?"
    r"(?:(?:[T\s]+|(?<=[日号]))(?P<hour>\d{1,2})"
    r"(?:[:时点](?P<minute>\d{1,2})?(?:[:分](?P<second>\d{1,2})(?:[.,](?P<fraction>\d{1,9}))?)?[分秒]?)?)?"
    r"\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)
_COMPACT = re.compile(
    r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"
    r"(?:[T\s]?(?P<hour>\d{2})(?P<minute>\d{2})(?P<second>\d{2})?(?P<fraction>\d{3})?)?"
    r"(?P<zone>Z)?$",
    re.IGNORECASE,
)
_EXCEL_SERIAL = re.compile(r"^(?P<serial>[2-9]\d{4}(?:\.\d+)?)$")
#: Day 0 of Excel's 1900 date system as it counts after its 1900-02-29 bug.
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: The instants a timestamp may write: those of Python's datetime (years 1 to 9999 in UTC).
_FIRST_UTC = pd.Timestamp("0001-01-01", tz="UTC")
_LAST_UTC = pd.Timestamp("9999-12-31 23:59:59.999999", tz="UTC")
_SPACE_AROUND_CJK = re.compile(r"\s*([年月日号时点分秒])\s*")


def configured_timezone() -> zoneinfo.ZoneInfo:
    """The zone of timestamps written without one: ``$ONEMAP_TIMEZONE`` or Asia/Shanghai."""
    name = os.environ.get(TIMEZONE_VARIABLE, "").strip() or DEFAULT_TIMEZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise EtlError(
            f"未知时区 {name!r}（{TIMEZONE_VARIABLE}）/ unknown time zone {name!r} in "
            f"{TIMEZONE_VARIABLE}; use an IANA name such as Asia/Shanghai"
        ) from None


def _cleaned(text: str) -> str:
    return _SPACE_AROUND_CJK.sub(r"\1", unicodedata.normalize("NFKC", text))


def _components(texts: pd.Series) -> pd.DataFrame:
    """Year ... fraction and zone of each text, as strings; all-NaN where none matches."""
    cleaned = texts.map(_cleaned)
    parts = cleaned.str.extract(_SEPARATED)
    unmatched = parts["year"].isna()
    if unmatched.any():
        compact = cleaned[unmatched].str.extract(_COMPACT)
        parts.loc[unmatched, compact.columns] = compact
    parts["serial"] = cleaned.str.extract(_EXCEL_SERIAL)["serial"]
    return parts


def _assemble(parts: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Naive datetimes from components (NaT where impossible, e.g. 2 30) and the zone offsets
    in minutes east of UTC (NaN where no zone was written)."""
    numbers = {
        unit: pd.to_numeric(parts[unit], errors="coerce")
        for unit in ("year", "month", "day", "hour", "minute", "second")
    }
    fraction = parts["fraction"].fillna("").str.ljust(6, "0").str[:6]
    numbers["us"] = pd.to_numeric(fraction.where(fraction != "000000", "0"), errors="coerce")
    frame = pd.DataFrame(numbers).fillna({"hour": 0, "minute": 0, "second": 0, "us": 0})
    valid = frame[["year", "month", "day"]].notna().all(axis=1)
    valid &= (frame["hour"] < 24) & (frame["minute"] < 60) & (frame["second"] < 60)
    naive = pd.Series(pd.NaT, index=parts.index, dtype="datetime64[us]")
    if valid.any():
        naive[valid] = pd.to_datetime(frame[valid].astype("int64"), errors="coerce")
    serial = pd.to_numeric(parts["serial"], errors="coerce")
    from_serial = serial.notna() & naive.isna()
    if from_serial.any():
        days = pd.to_timedelta(serial[from_serial] * 86400.0, unit="s").dt.round("s")
        naive[from_serial] = _EXCEL_EPOCH + days
    return naive, _zone_offsets(parts["zone"])


def _zone_offsets(zone: pd.Series) -> pd.Series:
    upper = zone.str.upper()
    utc = upper.isin(["Z", "UTC", "GMT"])
    numeric = zone.str.extract(r"^(?P<sign>[+-])(?P<hh>\d{2}):?(?P<mm>\d{2})?$")
    minutes = pd.to_numeric(numeric["hh"], errors="coerce") * 60 + pd.to_numeric(
        numeric["mm"].fillna("0"), errors="coerce"
    )
    minutes = minutes.where(numeric["sign"] != "-", -minutes)
    return minutes.where(~utc, 0.0).astype("float64")


def parse_dates(texts: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates of non-empty ``texts``: ``(datetime64 at midnight, mask of unparseable texts)``.

    A time of day other than midnight (Excel writes dates as ``2024-01-02 00:00:00``) makes the
    text unparseable as a date: truncating it would silently lose information.
    """
    present = texts.notna()
    codes, uniques = pd.factorize(texts)
    if len(uniques) == 0:
        return pd.Series(pd.NaT, index=texts.index, dtype="datetime64[us]"), ~present & present
    parts = _components(pd.Series(uniques, dtype=object))
    naive, offsets = _assemble(parts)
    naive = naive.where(offsets.isna() & (naive == naive.dt.normalize()))
    values = pd.Series(naive.to_numpy()[codes], index=texts.index).where(present)
    return values.astype("datetime64[us]"), present & values.isna()


def parse_timestamps(texts: pd.Series, zone: zoneinfo.ZoneInfo) -> tuple[pd.Series, pd.Series]:
    """Instants of non-empty ``texts`` in UTC: ``(datetime64[us, UTC], mask of unparseable)``.

    Texts without a zone are local time in ``zone``; a local time that does not exist or occurs
    twice (at a daylight-saving change) is unparseable rather than guessed.
    """
    present = texts.notna()
    codes, uniques = pd.factorize(texts)
    empty = pd.Series(pd.NaT, index=texts.index, dtype="datetime64[us, UTC]")
    if len(uniques) == 0:
        return empty, present & ~present
    parts = _components(pd.Series(uniques, dtype=object))
    naive, offsets = _assemble(parts)
    local = naive.where(offsets.isna())
    instants = local.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    zoned = offsets.notna() & naive.notna()
    if zoned.any():
        # in microseconds, as naive: a nanosecond offset would make the difference nanoseconds,
        # and 0001-01-01T00:00+08:00 wrap around to 1972 instead of falling before year 1
        offset = pd.to_timedelta(offsets[zoned], unit="m").astype("timedelta64[us]")
        instants[zoned] = (naive[zoned] - offset).dt.tz_localize("UTC")
    instants = instants.where((instants >= _FIRST_UTC) & (instants <= _LAST_UTC))
    per_row = instants.to_numpy()[codes]
    values = pd.Series(per_row, index=texts.index, dtype="datetime64[us, UTC]").where(present)
    return values, present & values.isna()


# -- one value -----------------------------------------------------------------------------
def _naive_of(text: str) -> tuple[dt.datetime | None, int | None]:
    """One text's naive datetime (None where impossible) and zone offset in minutes east of
    UTC (None where no zone was written): :func:`_components` and :func:`_assemble` for one."""
    cleaned = _cleaned(text)
    match = _SEPARATED.search(cleaned) or _COMPACT.search(cleaned)
    parts = match.groupdict() if match else {}
    naive = None
    if parts:
        hour, minute, second = (int(parts[u] or 0) for u in ("hour", "minute", "second"))
        us = int((parts["fraction"] or "").ljust(6, "0")[:6])
        if hour < 24 and minute < 60 and second < 60:
            try:
                day = (int(parts["year"]), int(parts["month"]), int(parts["day"]))
                naive = dt.datetime(*day, hour, minute, second, us)
            except ValueError:
                naive = None
    serial = _EXCEL_SERIAL.search(cleaned)
    if naive is None and serial is not None:
        days = pd.Timedelta(float(serial["serial"]) * 86400.0, unit="s").round("s")
        naive = (_EXCEL_EPOCH + days).to_pydatetime()
    return naive, _zone_offset(parts.get("zone"))


def _zone_offset(zone: str | None) -> int | None:
    if zone is None:
        return None
    if zone.upper() in ("Z", "UTC", "GMT"):
        return 0
    numeric = re.search(r"^(?P<sign>[+-])(?P<hh>\d{2}):?(?P<mm>\d{2})?$", zone)
    if numeric is None:  # pragma: no cover - the date expressions admit no other zone
        return None
    minutes = int(numeric["hh"]) * 60 + int(numeric["mm"] or 0)
    return -minutes if numeric["sign"] == "-" else minutes


def date_of(text: str) -> dt.date | None:
    """The date one text writes, None when it writes none (or a time other than midnight, or a
    zone): :func:`parse_dates` for one value."""
    naive, offset = _naive_of(text)
    if naive is None or offset is not None or naive.time() != dt.time():
        return None
    return naive.date()


def instant_of(text: str, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """The instant one text writes, in UTC; None when it writes none, or a local time that does
    not exist or occurs twice in ``zone``: :func:`parse_timestamps` for one value."""
    naive, offset = _naive_of(text)
    if naive is None:
        return None
    try:
        if offset is not None:
            return (naive - dt.timedelta(minutes=offset)).replace(tzinfo=dt.UTC)
        early, late = naive.replace(tzinfo=zone), naive.replace(tzinfo=zone, fold=1)
        if early.utcoffset() != late.utcoffset():
            return None  # in a daylight-saving gap or overlap: not guessed
        return early.astimezone(dt.UTC)
    except OverflowError:  # beyond year 1..9999 once in UTC
        return None
