"""The project's pygeoapi feature provider: GeoJSON built in PostGIS over a pooled engine.

pygeoapi uses it for the paths the fast view (geoapi.views) leaves to it: HTML pages, JSON-LD and
the collection metadata. Queries go through the same code as the fast view (geoapi.query,
geoapi.features); only here is the result parsed, because pygeoapi's templates need dicts.
pygeoapi instantiates a provider per request, so construction only looks things up.
"""

from __future__ import annotations

import json
from typing import Any

from pygeoapi.provider.base import (
    BaseProvider,
    ProviderInvalidQueryError,
    ProviderItemNotFoundError,
)

from geoapi import cql
from geoapi.access import readable_ids, view_of
from geoapi.catalog import reading_engine
from geoapi.crs import CRS84, resolve
from geoapi.errors import GeoApiError
from geoapi.features import query_item, query_page
from geoapi.query import ItemsQuery, datetime_sql, property_value, sort_clause
from layers import get_layer
from layers.spec import FieldType

JSON_TYPES = {
    FieldType.TEXT: "string",
    FieldType.INTEGER: "integer",
    FieldType.REAL: "number",
    FieldType.BOOLEAN: "boolean",
    FieldType.DATE: "string",
    FieldType.TIMESTAMPTZ: "string",
    FieldType.TEXT_LIST: "array",
}
FORMATS = {FieldType.DATE: "date", FieldType.TIMESTAMPTZ: "date-time"}


class OnemapProvider(BaseProvider):
    """Feature provider over one registry layer's table."""

    def __init__(self, provider_def: dict[str, Any]) -> None:
        super().__init__(provider_def)
        data = provider_def["data"]
        self.layer = get_layer(data["layer"])
        self.engine = reading_engine(data["database_url"])
        self.base_url = data["base_url"]
        self.zone_srid = int(data["zone_srid"])
        self.get_fields()

    def get_fields(self) -> dict[str, Any]:
        if not self._fields:
            for f in view_of(self.layer).fields:
                entry: dict[str, Any] = {"type": JSON_TYPES[f.type], "title": f"{f.zh} / {f.en}"}
                if f.type in FORMATS:
                    entry["format"] = FORMATS[f.type]
                if f.choices:
                    entry["values"] = list(f.choice_values)
                self._fields[f.name] = entry
        return self._fields

    def _query(self, **kwargs: Any) -> ItemsQuery:
        view = view_of(self.layer)
        q = ItemsQuery(self.layer, relation=view.relation, readable=readable_ids())
        q.limit = int(kwargs.get("limit") or 10)
        q.offset = int(kwargs.get("offset") or 0)
        spec = kwargs.get("crs_transform_spec")
        q.crs = resolve(spec.target_crs_uri if spec else CRS84, self.zone_srid)
        fields = {f.name: f for f in view.fields}
        selected = kwargs.get("select_properties") or []
        q.properties = tuple(n for n in fields if not selected or n in selected)
        q.skip_geometry = bool(kwargs.get("skip_geometry")) or self.layer.geometry is None
        bbox = kwargs.get("bbox") or []
        if bbox and self.layer.geometry is not None:
            bound = ", ".join(q.params.bind(float(v)) for v in bbox[:4])
            q.where.append(f"ST_Intersects(geom, ST_MakeEnvelope({bound}, 4326))")
        if kwargs.get("datetime_"):
            clause = datetime_sql(self.layer, kwargs["datetime_"], q.params)
            if clause:
                q.where.append(clause)
        for name, raw in kwargs.get("properties") or []:
            if name in fields:
                q.where.append(f'"{name}" = {q.params.bind(property_value(fields[name], raw))}')
        if kwargs.get("filterq") is not None:
            translator = cql.Translator(self.layer, q.params, resolve(None, 0), set(fields))
            q.where.append(translator.sql(kwargs["filterq"]))
        sortby = kwargs.get("sortby") or []
        terms = ",".join(("-" if s["order"] == "-" else "") + s["property"] for s in sortby)
        q.order = sort_clause(self.layer, terms, fields)
        return q

    def query(self, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        try:
            q = self._query(**kwargs)
            if kwargs.get("resulttype") == "hits":
                q.limit = 0
            text, returned, matched = query_page(self.engine, q, self.base_url)
        except GeoApiError as exc:
            raise ProviderInvalidQueryError(user_msg=exc.description) from None
        result: dict[str, Any] = {
            "type": "FeatureCollection",
            "features": json.loads(b"[" + text + b"]"),
            "numberReturned": returned,
        }
        if matched is not None:
            result["numberMatched"] = matched
        return result

    def get(self, identifier: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            fid = int(identifier)
        except (TypeError, ValueError):
            raise ProviderItemNotFoundError(user_msg=f"no feature {identifier!r}") from None
        q = self._query(limit=1, crs_transform_spec=kwargs.get("crs_transform_spec"))
        text = query_item(self.engine, q, fid, self.base_url) if -(2**63) < fid < 2**63 else None
        if text is None:
            raise ProviderItemNotFoundError(user_msg=f"no feature {identifier!r}")
        return json.loads(text)
