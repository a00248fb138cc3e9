"""Station plots served by the app, outside pygeoapi's namespace, and linked from the page.

Route::

    GET /plots/stations/{code}/{kind}.{fmt}?parameter=&start=&end=&met_station=

* ``kind``: ``series`` (a parameter's hourly series with its limit lines), ``windrose`` (the
  wind rose of the nearest meteorological station, or ``met_station``) or ``cpf`` (the
  conditional probability function of a parameter against that station's wind).
* ``fmt``: ``svg`` (``image/svg+xml``) or ``png`` (``image/png``).
* ``parameter``: an HJ 212 code; default: the station type's main parameter
  (:data:`SERIES_PARAMETERS`, :data:`CPF_PARAMETERS`), else the first parameter the station has
  observations of. Ignored by ``windrose``.
* ``start`` / ``end``: RFC 3339 times with a zone (``2025-06-01T00:00:00+08:00``, ``...Z``);
  default end: the hour after the station's latest observation (now when it has none); default
  start: end − 7 days for ``series``, end − 1 year for ``windrose`` and ``cpf``.

Bad input is a 400 and an unknown station (or one without observations) a 404, both as OGC
exception JSON (:mod:`geoapi.errors`). Images may be cached for an hour.

The page links station popups to these plots from :func:`page_config` (embedded in the page's
config as ``plots``): one series of the station's main parameter, a wind rose for met stations
and a CPF for air stations.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, Response, request
from sqlalchemy import Engine, text

from analytics.errors import AnalysisError, NotFoundError
from analytics.plots.render import MEDIA_TYPES
from geoapi.errors import GeoApiError, InvalidParameterValue, NotFound, error_response

PATH = "/plots/stations"
KINDS = ("series", "windrose", "cpf")
QUERY_PARAMETERS = frozenset({"parameter", "start", "end", "met_station"})
#: The parameter a station type's series shows by default: PM2.5 for air, COD for surface water.
SERIES_PARAMETERS: dict[str, str] = {"air": "a34004", "surface_water": "w01018"}
#: The parameter a station type's CPF shows by default: SO2 for air.
CPF_PARAMETERS: dict[str, str] = {"air": "a21026"}
#: The station types with a wind rose and a CPF link in their popup.
WINDROSE_TYPES = ("met",)
CPF_TYPES = tuple(CPF_PARAMETERS)
DEFAULT_WINDOW = {"series": timedelta(days=7), "windrose": timedelta(days=365)}
DEFAULT_WINDOW["cpf"] = DEFAULT_WINDOW["windrose"]
CACHE_SECONDS = 3600
HOUR = timedelta(hours=1)
#: The longest window a plot may ask for (:data:`analytics.plots.station.MAX_HOURS`).
MAX_WINDOW = timedelta(days=366)
#: The times a plot may ask for.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)

LINK_TITLES = {
    "series": {"zh": "时间序列", "en": "Series"},
    "windrose": {"zh": "风玫瑰", "en": "Wind rose"},
    "cpf": {"zh": "CPF", "en": "CPF"},
}


def page_config() -> dict[str, Any]:
    """What the page needs to link station popups to their plots (``path`` below the root)."""
    return {
        "path": PATH,
        "layer": "stations",
        "code_field": "code",
        "type_field": "type",
        # a station with no data yet (derived by `onemap quality --store`) gets no plot links
        "latest_field": "latest_time",
        "series": SERIES_PARAMETERS,
        "windrose": list(WINDROSE_TYPES),
        "cpf": CPF_PARAMETERS,
        "titles": LINK_TITLES,
    }


def _time(name: str, value: str | None) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidParameterValue(
            f"{name}: 不是RFC 3339时间 / not an RFC 3339 time (got {value!r})"
        ) from None
    if moment.tzinfo is None:
        raise InvalidParameterValue(
            f"{name}: 时间须带时区 / the time needs a zone, e.g. +08:00 or Z (got {value!r})"
        )
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise InvalidParameterValue(
            f"{name}: 时间超出范围 / the time is out of range "
            f"{EARLIEST.year}-{LATEST.year} (got {value!r})"
        )
    return moment


def _station_type(engine: Engine, code: str) -> str:
    with engine.connect() as conn:
        kind = conn.execute(
            text("SELECT type FROM stations WHERE code = :c"), {"c": code}
        ).scalar_one_or_none()
    if kind is None:
        raise NotFound(f"未知站点 {code} / unknown station {code!r}")
    return str(kind)


def _first_parameter(engine: Engine, code: str) -> str:
    with engine.connect() as conn:
        parameter = conn.execute(
            text(
                "SELECT parameter FROM observations WHERE station_code = :c "
                "ORDER BY parameter LIMIT 1"
            ),
            {"c": code},
        ).scalar_one_or_none()
    if parameter is None:
        raise NotFound(f"站点 {code} 无监测数据 / station {code!r} has no observations")
    return str(parameter)


def _latest_end(engine: Engine, code: str, parameter: str | None) -> datetime:
    """The hour after the station's latest observation (of ``parameter``), else now."""
    sql = "SELECT max(time) FROM observations WHERE station_code = :c"
    if parameter is not None:
        sql += " AND parameter = :p"
    with engine.connect() as conn:
        latest = conn.execute(text(sql), {"c": code, "p": parameter}).scalar_one_or_none()
    if latest is None:
        latest = datetime.now(UTC)
    return latest.astimezone(UTC).replace(minute=0, second=0, microsecond=0) + HOUR


def render(engine: Engine, code: str, name: str, args: dict[str, str]) -> Response:
    """The plot ``name`` (``kind.fmt``) of station ``code`` for the query ``args``."""
    from analytics.plots.station import station_plot

    kind, dot, fmt = name.rpartition(".")
    if not dot or kind not in KINDS or fmt not in MEDIA_TYPES:
        raise InvalidParameterValue(
            f"未知图件 / unknown plot {name!r}; use {{{','.join(KINDS)}}}.{{svg,png}}"
        )
    unknown = sorted(set(args) - QUERY_PARAMETERS)
    if unknown:
        raise InvalidParameterValue(
            f"未知参数 / unknown parameter {unknown[0]!r}; "
            f"known: {', '.join(sorted(QUERY_PARAMETERS))}"
        )
    start = _time("start", args.get("start"))
    end = _time("end", args.get("end"))
    station_type = _station_type(engine, code)
    parameter = args.get("parameter") or None
    if kind != "windrose" and parameter is None:
        defaults = CPF_PARAMETERS if kind == "cpf" else SERIES_PARAMETERS
        parameter = defaults.get(station_type) or _first_parameter(engine, code)
    if end is None:
        end = _latest_end(engine, code, parameter if kind != "windrose" else None)
        if start is not None and start >= end:
            end = start + DEFAULT_WINDOW[kind]
    if start is None:
        start = end - DEFAULT_WINDOW[kind]
    if end - start > MAX_WINDOW:
        raise InvalidParameterValue(
            f"时间窗口应为1小时至1年 / the window must be 1 hour to 1 year (got {end - start})"
        )
    if start >= end:
        raise InvalidParameterValue(
            f"start须早于end / start must be before end (got {start.isoformat()} ≥ "
            f"{end.isoformat()})"
        )
    image = station_plot(
        engine,
        code,
        kind,  # type: ignore[arg-type]
        start,
        end,
        parameter=parameter,
        fmt=fmt,  # type: ignore[arg-type]
        met_station=args.get("met_station") or None,
    )
    response = Response(image, mimetype=MEDIA_TYPES[fmt])
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    return response


def install(app: Flask, engine: Engine) -> None:
    """Serve the station plots on ``app`` and give the page their links' configuration."""
    app.config.setdefault("ONEMAP_PAGE_CONFIG", {})["plots"] = page_config()

    def station_plot_view(code: str, name: str) -> Response:
        args = {}
        for key in request.args:
            values = request.args.getlist(key)
            if len(set(values)) > 1:
                return error_response(
                    InvalidParameterValue(
                        f"参数重复且不一致 / parameter {key!r} given twice with different values"
                    )
                )
            args[key] = values[0]
        try:
            return render(engine, code, name, args)
        except GeoApiError as exc:
            return error_response(exc)
        except NotFoundError as exc:
            return error_response(NotFound(str(exc)))
        except AnalysisError as exc:
            return error_response(InvalidParameterValue(str(exc)))

    app.add_url_rule(f"{PATH}/<code>/<name>", "station_plot", station_plot_view, methods=["GET"])
