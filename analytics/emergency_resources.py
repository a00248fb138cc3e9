"""The help nearest an accident, for ``emergency-response``: shelters with their capacity,
supply depots with what they hold, response teams, the cameras that watch the place and the
major hazard installations around it.

Only public fields are read: the keepers', leaders' and phone columns and the cameras' stream
and snapshot addresses are never selected, so they cannot reach a result.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from analytics.geojson import Feature, feature, rounded
from layers import get_layer

_SITE = "ST_GeomFromWKB(:wkb, 4326)"

#: The nearest rows by KNN on the GiST index, then their geodesic distance.
_NEAREST = {
    "shelter": f"""
        SELECT name, capacity_people, area_m2, address, ST_AsGeoJSON(geom, 7) AS geometry,
               ST_Distance(geom::geography, {_SITE}::geography) AS distance_m
        FROM (SELECT * FROM shelters ORDER BY geom <-> {_SITE} LIMIT :candidates) s
        ORDER BY distance_m, name
    """,
    "team": f"""
        SELECT name, kind, people, equipment, ST_AsGeoJSON(geom, 7) AS geometry,
               ST_Distance(geom::geography, {_SITE}::geography) AS distance_m
        FROM (SELECT * FROM emergency_teams ORDER BY geom <-> {_SITE} LIMIT :candidates) t
        ORDER BY distance_m, name
    """,
    "depot": f"""
        SELECT depot AS name, min(owner) AS owner,
               json_agg(json_build_object('name', name, 'kind', kind, 'quantity', quantity,
                                          'unit', unit) ORDER BY name) AS items,
               ST_AsGeoJSON(ST_Centroid(ST_Collect(geom)), 7) AS geometry,
               min(ST_Distance(geom::geography, {_SITE}::geography)) AS distance_m
        FROM emergency_supplies
        WHERE depot IN (SELECT depot FROM emergency_supplies
                        ORDER BY geom <-> {_SITE} LIMIT :candidates * 8)
        GROUP BY depot
        ORDER BY distance_m, depot
    """,
}

_WITHIN = {
    "camera": f"""
        SELECT code, name, kind, linked_layer, linked_code, ST_AsGeoJSON(geom, 7) AS geometry,
               ST_Distance(geom::geography, {_SITE}::geography) AS distance_m
        FROM cameras
        WHERE ST_DWithin(geom::geography, {_SITE}::geography, :radius_m)
        ORDER BY distance_m, code
    """,
    "hazard_source": f"""
        SELECT h.code, h.name, h.credit_code, e.name AS enterprise_name, h.unit_type, h.level,
               h.r_value, h.chemicals, ST_AsGeoJSON(h.geom, 7) AS geometry,
               ST_Distance(h.geom::geography, {_SITE}::geography) AS distance_m
        FROM hazard_sources h LEFT JOIN enterprises e USING (credit_code)
        WHERE ST_DWithin(h.geom::geography, {_SITE}::geography, :radius_m)
        ORDER BY distance_m, h.code
    """,
}


def _labels(layer_id: str, field: str) -> dict[str, str]:
    return {str(c.value): c.zh for c in get_layer(layer_id).field(field).choices}


def nearest_help(conn: Connection, wkb: bytes, count: int, exposed: Any) -> list[Feature]:
    """The ``count`` nearest shelters, depots and teams, each ranked by geodesic distance.

    ``exposed(geometry_json) -> bool`` says whether a place lies in the downwind sector:
    shelters there are listed after the others, since people should not be sent into the
    plume.
    """
    team_kinds = _labels("emergency_teams", "kind")
    supply_kinds = _labels("emergency_supplies", "kind")
    features: list[Feature] = []
    for kind, sql in _NEAREST.items():
        rows = conn.execute(text(sql), {"wkb": wkb, "candidates": count * 3}).mappings().all()
        ranked = [(exposed(r["geometry"]) if kind == "shelter" else False, r) for r in rows]
        ranked.sort(key=lambda item: (item[0], item[1]["distance_m"], item[1]["name"]))
        for rank, (downwind, r) in enumerate(ranked[:count], start=1):
            properties: dict[str, Any] = {
                "kind": kind,
                "rank": rank,
                "name": r["name"],
                "distance_m": rounded(r["distance_m"]),
            }
            if kind == "shelter":
                properties |= {
                    "capacity_people": r["capacity_people"],
                    "area_m2": r["area_m2"],
                    "address": r["address"],
                    "downwind": downwind,
                }
            elif kind == "team":
                properties |= {
                    "team_kind": r["kind"],
                    "team_kind_zh": team_kinds.get(r["kind"]),
                    "people": r["people"],
                    "equipment": r["equipment"],
                }
            else:
                items = r["items"]
                properties |= {
                    "owner": r["owner"],
                    "items": [_item(i, supply_kinds) for i in items],
                }
            features.append(feature(r["geometry"], properties))
    return features


def _item(item: dict[str, Any], kinds: dict[str, str]) -> str:
    """``吸附棉（吸附材料）316包``: name, kind unless the name says it, quantity and unit."""
    kind = kinds.get(item["kind"], item["kind"])
    label = item["name"] if kind in item["name"] else f"{item['name']}（{kind}）"
    quantity = "—" if item["quantity"] is None else f"{item['quantity']:g}"
    return f"{label}{quantity}{item['unit'] or ''}"


def within(conn: Connection, wkb: bytes, radius_m: float) -> list[Feature]:
    """The cameras and the major hazard installations within ``radius_m`` of the site."""
    camera_kinds = _labels("cameras", "kind")
    features: list[Feature] = []
    for kind, sql in _WITHIN.items():
        rows = conn.execute(text(sql), {"wkb": wkb, "radius_m": radius_m}).mappings().all()
        for rank, r in enumerate(rows, start=1):
            properties: dict[str, Any] = {
                "kind": kind,
                "rank": rank,
                "code": r["code"],
                "name": r["name"],
                "distance_m": rounded(r["distance_m"]),
            }
            if kind == "camera":
                properties |= {
                    "camera_kind": r["kind"],
                    "camera_kind_zh": camera_kinds.get(r["kind"]),
                    "linked_layer": r["linked_layer"],
                    "linked_code": r["linked_code"],
                }
            else:
                properties |= {
                    "credit_code": r["credit_code"],
                    "enterprise_name": r["enterprise_name"],
                    "unit_type": r["unit_type"],
                    "level": r["level"],
                    "r_value": r["r_value"],
                    "chemicals": list(r["chemicals"] or []),
                }
            features.append(feature(r["geometry"], properties))
    return features
