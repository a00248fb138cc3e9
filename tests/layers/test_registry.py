"""The registry is consistent with itself and with the field names other work relies on."""

from __future__ import annotations

import pytest

import layers
from layers.spec import FieldType

# The layer ids and field names the issue fixes; other code and checks rely on them.
FIXED_FIELDS = {
    "park": (),
    "zones": ("kind", "name", "level"),
    "enterprises": (
        "name",
        "credit_code",
        "address",
        "industry_code",
        "industry_name",
        "env_contact",
        "phone",
        "risk_level",
        "hazard_level",
        "key_discharger",
        "inspection_class",
        "permit_no",
    ),
    "outfalls": (
        "code",
        "credit_code",
        "kind",
        "height_m",
        "online",
        "mn",
        "sewer_node",
        "river_reach",
        "pollutants",
        "standard",
        "standard_class",
        "limits",
        "latest_load",
        "permit_totals",
    ),
    "discharge_loads": (
        "outfall_code",
        "credit_code",
        "station_code",
        "parameter",
        "interval",
        "period_start",
        "load_kg",
        "volume_m3",
        "mean_concentration",
        "unit",
        "hours",
        "cou_hours",
    ),
    "park_targets": (
        "year",
        "parameter",
        "target_t",
        "emitted_t",
        "share_pct",
        "total_status",
        "as_of",
    ),
    "permit_totals": (
        "credit_code",
        "permit_no",
        "parameter",
        "year",
        "permitted_t",
        "emitted_t",
        "share_pct",
        "total_status",
        "as_of",
    ),
    # issue 12's registers, with the issue's field names
    "pollutant_catalogue": (
        "credit_code",
        "medium",
        "parameter",
        "name",
        "reasons",
        "annual_load_t",
        "standard",
        "limit_value",
    ),
    "operating_conditions": (
        "credit_code",
        "code",
        "facility",
        "quantity",
        "station_code",
        "parameter",
        "lower_limit",
        "upper_limit",
        "review_status",
        "review_reason",
    ),
    "manual_monitoring": (
        "credit_code",
        "outfall_code",
        "kind",
        "sampled_at",
        "parameter",
        "value",
        "unit",
        "limit_value",
        "exceeded",
        "review_status",
    ),
    "solid_waste": (
        "credit_code",
        "period",
        "category",
        "waste_code",
        "name",
        "max_permitted_t_per_year",
        "generated_t",
        "utilised_t",
        "disposed_t",
        "stored_t",
        "receiver",
        "receiver_licence_no",
        "receiver_qualified",
    ),
    "ldar_checks": (
        "credit_code",
        "unit",
        "component_id",
        "component_type",
        "checked_on",
        "reading_ppm",
        "leak_threshold_ppm",
        "leaking",
        "repaired_on",
        "recheck_ppm",
    ),
    "energy_use": ("credit_code", "period", "water_m3", "electricity_kwh", "gas_m3", "steam_t"),
    "carbon_accounts": ("credit_code", "year", "accounting_unit", "co2_t", "method"),
    "permit_limits": (
        "outfall_code",
        "credit_code",
        "permit_no",
        "parameter",
        "period",
        "bound",
        "limit_value",
        "unit",
        "valid_from",
        "valid_to",
    ),
    "receptors": ("name", "category", "population", "air_sensitive", "water_sensitive"),
    "rivers": ("name", "reach_code", "target_class", "velocity_ms"),
    "sewer_nodes": ("code", "kind", "invert_m"),
    "sewer_pipes": (
        "code",
        "system",
        "diameter_mm",
        "material",
        "length_m",
        "from_node",
        "to_node",
    ),
    "stations": ("code", "name", "type", "mn"),
    "observations": ("station_code", "time", "parameter", "value", "unit", "flag"),
    # issue 19's analysts' views
    "daily_means": ("station_code", "parameter", "date", "mean", "min", "max", "count"),
    "latest_values": ("station_code", "parameter", "time", "value", "unit", "judgement"),
    "campaign_samples": (
        "campaign",
        "sample_id",
        "station_code",
        "medium",
        "sampled_at",
        "parameter",
        "period",
        "value",
        "unit",
        "applies_class",
        "result",
    ),
    "standard_limits": (),
    "parameters": ("code", "name_zh", "name_en", "unit", "medium"),
    "exceedances": (),
    # issue 13: one layer of exceedance, anomaly and disconnection alerts with a state
    "alerts": (
        "kind",
        "state",
        "station_code",
        "parameter",
        "opened_at",
        "closed_at",
        "acknowledged_by",
        "acknowledged_at",
    ),
    # issue 11's first layer, the first internal one (issue 10)
    "hazardous_chemicals": (
        "credit_code",
        "name",
        "cas_no",
        "max_quantity_t",
        "storage_form",
        "hazard_classes",
        "threshold_t",
        "is_major_hazard",
    ),
    "hazard_sources": ("credit_code", "code", "unit_type", "level", "r_value", "chemicals"),
    "emergency_plans": (
        "credit_code",
        "title",
        "filed",
        "filing_no",
        "filed_on",
        "risk_level",
        "last_drill_on",
        "next_review_on",
    ),
    "emergency_supplies": ("owner", "kind", "quantity", "unit", "keeper", "phone"),
    "shelters": ("name", "capacity_people", "area_m2", "keeper", "phone"),
    "emergency_teams": ("name", "kind", "people", "equipment", "leader", "phone"),
    "risk_control_points": ("code", "kind", "capacity_m3", "credit_code", "state"),
    "facilities": ("name", "kind", "capacity", "operator"),
    "cameras": ("code", "kind", "stream_url", "snapshot_url", "linked_layer", "linked_code"),
    # issue 14: source, subject enterprise, industry, type, location, time, description,
    # handler, deadline and the state of the workflow
    "clues": (
        "source",
        "credit_code",
        "industry",
        "clue_type",
        "occurred_at",
        "description",
        "handler",
        "deadline",
        "state",
        "exceedance_id",
    ),
    "inspections": ("credit_code", "inspection_class", "inspected_at", "findings", "state"),
    "rectifications": ("credit_code", "g1_code", "problem", "suggestion", "deadline", "state"),
    "weather_responses": (
        "notice_no",
        "credit_code",
        "level",
        "period_start",
        "period_end",
        "answer_by",
        "measures",
        "late",
        "state",
    ),
}

FIXED_ENUMS = {
    ("clues", "source"): (
        "supervision",
        "inspection",
        "complaint",
        "monitoring",
        "patrol",
        "other",
    ),
    ("clues", "state"): ("registered", "assigned", "handling", "answered", "revisited", "closed"),
    ("enterprises", "risk_level"): ("general", "larger", "major"),
    ("outfalls", "kind"): ("wastewater", "rainwater", "stack", "fugitive"),
    ("receptors", "category"): (
        "residential",
        "school",
        "hospital",
        "office",
        "water_intake",
        "ecological",
        "other",
    ),
    ("sewer_pipes", "system"): ("sewage", "rain", "combined"),
    ("hazardous_chemicals", "storage_form"): ("tank", "warehouse", "cylinder", "pipeline", "other"),
    ("hazard_sources", "unit_type"): ("production", "storage"),
    ("hazard_sources", "level"): (1, 2, 3, 4),
    ("risk_control_points", "kind"): (
        "emergency_pool",
        "rain_gate",
        "cutoff_valve",
        "interception_dam",
        "other",
    ),
    ("facilities", "kind"): (
        "wwtp",
        "central_heating",
        "solid_waste",
        "pipe_corridor",
        "road",
        "other",
    ),
    ("cameras", "kind"): (
        "panorama",
        "outfall",
        "station_house",
        "treatment_facility",
        "hw_store",
        "gate",
        "wharf",
        "other",
    ),
    ("stations", "type"): (
        "air",
        "surface_water",
        "groundwater",
        "soil",
        "noise",
        "met",
        "hydro",
        "source_online",
        "fugitive",
    ),
}


def test_layer_ids_are_fixed() -> None:
    assert set(layers.BY_ID) == set(FIXED_FIELDS)


def test_views_are_collections_not_tables() -> None:
    assert {layer.id for layer in layers.VIEWS} == {"daily_means", "latest_values"}
    assert all(layer.view and layer.audit == "none" for layer in layers.VIEWS)
    assert not any(layer.view for layer in layers.REGISTRY)
    assert layers.COLLECTIONS == layers.REGISTRY + layers.VIEWS


@pytest.mark.parametrize("layer_id", sorted(FIXED_FIELDS))
def test_fixed_field_names_present(layer_id: str) -> None:
    names = layers.get_layer(layer_id).field_names
    missing = [f for f in FIXED_FIELDS[layer_id] if f not in names]
    assert missing == []


@pytest.mark.parametrize(("key", "values"), sorted(FIXED_ENUMS.items()))
def test_fixed_enum_values(key: tuple[str, str], values: tuple[str, ...]) -> None:
    layer_id, field_name = key
    assert layers.get_layer(layer_id).field(field_name).choice_values == values


def test_enterprise_risk_accepts_chinese_labels() -> None:
    risk = layers.get_layer("enterprises").field("risk_level")
    assert [c.zh for c in risk.choices] == ["一般", "较大", "重大"]


@pytest.mark.parametrize("layer", layers.COLLECTIONS, ids=lambda layer: layer.id)
def test_layer_is_self_consistent(layer: layers.Layer) -> None:
    names = layer.field_names
    assert len(set(names)) == len(names), "duplicate field names"
    assert set(layer.natural_key) <= set(names)
    assert set(layer.popup) <= set(names)
    assert layer.zh and layer.en and layer.description_zh and layer.description_en
    for f in layer.fields:
        assert f.zh and f.en, f.name
        if f.choices:
            for c in f.choices:
                expected = int if f.type is FieldType.INTEGER else str
                assert isinstance(c.value, expected), (f.name, c.value)
    if layer.style.by:
        by = layer.field(layer.style.by)
        assert {v for v, _ in layer.style.palette} <= set(by.choice_values)


@pytest.mark.parametrize("layer", layers.REGISTRY, ids=lambda layer: layer.id)
def test_headers_are_unambiguous(layer: layers.Layer) -> None:
    """A header names at most one field of a layer, or loading could not tell them apart."""
    seen: dict[str, str] = {}
    for f in layer.fields:
        for header in f.headers:
            assert seen.setdefault(header.casefold(), f.name) == f.name, header


def test_foreign_keys_point_at_earlier_natural_keys() -> None:
    order = [layer.id for layer in layers.REGISTRY]
    for layer in layers.REGISTRY:
        for f, target_layer, target_field in layer.references:
            target = layers.get_layer(target_layer)
            assert target.natural_key == (target_field,), f"{layer.id}.{f.name}"
            assert order.index(target_layer) < order.index(layer.id), f"{layer.id}.{f.name}"


def test_unknown_layer_message_names_the_known_ones() -> None:
    with pytest.raises(layers.UnknownLayerError) as info:
        layers.get_layer("factories")
    assert "factories" in str(info.value) and "enterprises" in str(info.value)


@pytest.mark.parametrize("layer", layers.REGISTRY, ids=lambda layer: layer.id)
def test_access_declarations_name_real_fields(layer: layers.Layer) -> None:
    """The owner field is a text field of the layer; only owned layers are enterprise-writable."""
    if layer.owner_field is not None:
        assert layer.field(layer.owner_field).type is FieldType.TEXT
    if layer.enterprise_writable:
        assert layer.owner_field is not None
    assert layer.audit in ("row", "batch")
