"""The characteristic-pollutant catalogue as measured (Jiangsu 7.4.5: which enterprises emit
each catalogued pollutant, with their concentrations): derived, not typed twice.

For each catalogue entry (enterprise, medium, pollutant), its enterprise's outfalls of that
medium that list the pollutant (wastewater and rainwater outfalls for wastewater, stacks and
fugitive points for exhaust), and what they were measured to emit in a year:

- online: the year's loads of those outfalls (``discharge_loads``), the load summed in t and the
  concentration flow-weighted over them (Σ mean × volume / Σ volume);
- else manual: the mean of the accepted manual and fugitive results of those outfalls in the
  year (no load: a sample has no volume).

Entries with nothing measured keep their outfalls and no figures. Written by ``onemap quality
--store`` (``sources.store.store_sources``); ``GET …/collections/pollutant_catalogue/items?
parameter=w01018`` is the view of one pollutant: each enterprise emitting it, with the figures.
Only rows whose figures change are written (the table is audited row by row).
"""

from __future__ import annotations

import sqlalchemy as sa

from layers.declared_fields import ACCEPTED

#: The outfall kinds (layers.outfalls) whose discharges are the catalogue's media.
MEDIUM_OF_KIND = {
    "wastewater": "wastewater",
    "rainwater": "wastewater",
    "stack": "exhaust",
    "fugitive": "exhaust",
}
_KINDS = ", ".join(f"('{kind}', '{medium}')" for kind, medium in MEDIUM_OF_KIND.items())

MEASURES_SQL = sa.text(
    f"""
    WITH medium_of(kind, medium) AS (VALUES {_KINDS}),
    served AS (  -- each entry's outfalls
        SELECT c.id, c.parameter, o.code AS outfall_code
        FROM pollutant_catalogue c
        JOIN outfalls o ON o.credit_code = c.credit_code AND c.parameter = ANY(o.pollutants)
        JOIN medium_of m ON m.kind = o.kind AND m.medium = c.medium
    ), online AS (
        SELECT s.id, sum(l.load_kg) / 1000.0 AS load_t,
               sum(l.mean_concentration * l.volume_m3) / nullif(sum(l.volume_m3), 0)
                   AS concentration,
               min(l.unit) AS unit
        FROM served s
        JOIN discharge_loads l ON l.outfall_code = s.outfall_code
             AND l.parameter = s.parameter AND l.interval = 'year'
             AND extract(year FROM l.period_start) = :year
        GROUP BY s.id
    ), manual AS (
        SELECT s.id, avg(r.value) AS concentration, min(r.unit) AS unit
        FROM served s
        JOIN manual_monitoring r ON r.outfall_code = s.outfall_code
             AND r.parameter = s.parameter AND r.{ACCEPTED}
             AND extract(year FROM r.sampled_at AT TIME ZONE :zone) = :year
        GROUP BY s.id
    ), measured AS (
        SELECT c.id,
               (SELECT string_agg(outfall_code, '、' ORDER BY outfall_code) FROM served s
                WHERE s.id = c.id) AS outfalls,
               CASE WHEN o.id IS NOT NULL AND o.concentration IS NOT NULL THEN 'online'
                    WHEN m.id IS NOT NULL THEN 'manual' END AS measured_from,
               coalesce(o.concentration, m.concentration) AS concentration,
               CASE WHEN o.concentration IS NOT NULL THEN o.unit ELSE m.unit END AS unit,
               CASE WHEN o.concentration IS NOT NULL THEN o.load_t END AS load_t
        FROM pollutant_catalogue c
        LEFT JOIN online o ON o.id = c.id
        LEFT JOIN manual m ON m.id = c.id
    )
    UPDATE pollutant_catalogue c
    SET outfalls = x.outfalls,
        measured_from = x.measured_from,
        measured_year = CASE WHEN x.measured_from IS NOT NULL THEN :year END,
        measured_concentration = x.concentration,
        concentration_unit = x.unit,
        measured_load_t = x.load_t
    FROM measured x
    WHERE x.id = c.id
      AND (c.outfalls, c.measured_from, c.measured_year, c.measured_concentration,
           c.concentration_unit, c.measured_load_t)
          IS DISTINCT FROM
          (x.outfalls, x.measured_from, CASE WHEN x.measured_from IS NOT NULL THEN :year END,
           x.concentration, x.unit, x.load_t)
    """
)


def store_catalogue_measures(connection: sa.Connection, year: int, zone: str) -> int:
    """Write each catalogue entry's outfalls and the figures measured in ``year`` (local
    ``zone``); the number of entries changed."""
    result = connection.execute(MEASURES_SQL, {"year": year, "zone": zone})
    return int(result.rowcount)
