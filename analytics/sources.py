"""Candidate air sources for the tracings: exhaust stacks and fugitive points near a place.

With a pollutant given, an enterprise's sources are candidates when it emits the pollutant:
by its exhaust entries in the characteristic-pollutant catalogue where it has any, else by the
pollutants its outfalls report."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, text

from analytics.geodesy import search_envelope

#: Outfall kinds that put pollutants into the air (layers/outfalls.py).
AIR_KINDS = ("stack", "fugitive")

#: What an ambient pollutant is emitted as, in the codes stack monitoring reports (HJ 212):
#: NO₂ leaves a stack mostly as NO and is monitored as NOₓ (a21002); stack particulates are
#: monitored as smoke dust (烟尘, a34013), not as PM10/PM2.5.
EMITTED_AS: dict[str, tuple[str, ...]] = {
    "a21004": ("a21004", "a21002"),
    "a21002": ("a21002", "a21004"),
    "a34002": ("a34002", "a34004", "a34013"),
    "a34004": ("a34004", "a34002", "a34013"),
    "a34013": ("a34013", "a34002", "a34004"),
}


def emitted_as(pollutant: str) -> tuple[str, ...]:
    """The source-side codes that account for an ambient ``pollutant``."""
    return EMITTED_AS.get(pollutant, (pollutant,))


_NEAR = text(
    """
    WITH place AS (SELECT ST_GeomFromWKB(:wkb, 4326) AS g)
    SELECT o.code, o.kind, o.credit_code, e.name AS enterprise_name,
           ST_X(o.geom) AS lon, ST_Y(o.geom) AS lat,
           ST_Distance(o.geom::geography, place.g::geography) AS distance_m
    FROM outfalls o
    JOIN enterprises e ON e.credit_code = o.credit_code
    CROSS JOIN place
    WHERE o.kind = ANY(:kinds)
      AND (CAST(:codes AS text[]) IS NULL OR CASE
            -- an enterprise with exhaust entries in the characteristic-pollutant catalogue
            -- (Jiangsu 7.4.5) emits what they list; one without, what its outfalls report
            WHEN EXISTS (
                SELECT 1 FROM pollutant_catalogue c
                WHERE c.credit_code = o.credit_code AND c.medium = 'exhaust')
            THEN EXISTS (
                SELECT 1 FROM pollutant_catalogue c
                WHERE c.credit_code = o.credit_code AND c.medium = 'exhaust'
                  AND c.parameter = ANY(CAST(:codes AS text[])))
            ELSE EXISTS (
                SELECT 1 FROM outfalls emits
                WHERE emits.credit_code = o.credit_code
                  AND emits.pollutants && CAST(:codes AS text[]))
          END)
      AND o.geom && ST_MakeEnvelope(:xmin, :ymin, :xmax, :ymax, 4326)
      AND ST_DWithin(o.geom::geography, place.g::geography, :within_m)
    ORDER BY distance_m, o.code
    """
)


@dataclass(frozen=True)
class Sources:
    """Columns of the candidate sources, one entry per outfall."""

    outfall_code: list[str]
    outfall_kind: list[str]
    credit_code: list[str]
    enterprise_name: list[str]
    lon: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]
    distance_m: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.outfall_code)

    def take(self, order: npt.NDArray[np.int64]) -> Sources:
        def pick(values: list[str]) -> list[str]:
            return [values[i] for i in order]

        return Sources(
            pick(self.outfall_code),
            pick(self.outfall_kind),
            pick(self.credit_code),
            pick(self.enterprise_name),
            self.lon[order],
            self.lat[order],
            self.distance_m[order],
        )


def air_sources_near(
    conn: Connection, place: BaseGeometry, within_m: float, pollutant: str | None
) -> Sources:
    """Stacks and fugitive points within ``within_m`` (geodesic) of ``place``; when ``pollutant``
    (an HJ 212 code) is given, only those whose enterprise emits it, or what it is emitted as
    (:data:`EMITTED_AS`), from any of its outfalls."""
    xmin, ymin, xmax, ymax = search_envelope(place, within_m)
    rows = conn.execute(
        _NEAR,
        {
            "wkb": shapely.to_wkb(place),
            "kinds": list(AIR_KINDS),
            "codes": None if pollutant is None else list(emitted_as(pollutant)),
            "within_m": within_m,
            "xmin": xmin,
            "ymin": ymin,
            "xmax": xmax,
            "ymax": ymax,
        },
    ).all()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 7
    return Sources(
        outfall_code=list(columns[0]),
        outfall_kind=list(columns[1]),
        credit_code=list(columns[2]),
        enterprise_name=list(columns[3]),
        lon=np.asarray(columns[4], dtype=np.float64),
        lat=np.asarray(columns[5], dtype=np.float64),
        distance_m=np.asarray(columns[6], dtype=np.float64),
    )
