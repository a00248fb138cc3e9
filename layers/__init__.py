"""The layer registry: one declaration per layer, collected in one explicit tuple.

Adding a layer is one spec file and one line here. Everything else (tables, API collections,
ETL headers, map layers) is derived from :data:`REGISTRY` (the tables) and :data:`VIEWS` (the
read-only layers the database computes); :data:`COLLECTIONS` holds both.
"""

from __future__ import annotations

from layers import (
    alerts,
    cameras,
    campaign_samples,
    carbon_accounts,
    clues,
    daily_means,
    discharge_loads,
    emergency_plans,
    emergency_supplies,
    emergency_teams,
    energy_use,
    enterprises,
    exceedances,
    facilities,
    hazard_sources,
    hazardous_chemicals,
    inspections,
    latest_values,
    ldar_checks,
    manual_monitoring,
    observations,
    operating_conditions,
    outfalls,
    parameter_dictionary,
    park,
    park_targets,
    permit_limits,
    permit_totals,
    pollutant_catalogue,
    receptors,
    rectifications,
    risk_control_points,
    rivers,
    sewer_nodes,
    sewer_pipes,
    shelters,
    solid_waste,
    standard_limits,
    stations,
    weather_responses,
    zones,
)
from layers.spec import Layer

#: In dependency order: a layer comes after every layer its foreign keys point to.
REGISTRY: tuple[Layer, ...] = (
    park.LAYER,
    zones.LAYER,
    enterprises.LAYER,
    rivers.LAYER,
    sewer_nodes.LAYER,
    sewer_pipes.LAYER,
    outfalls.LAYER,
    receptors.LAYER,
    stations.LAYER,
    parameter_dictionary.LAYER,
    observations.LAYER,
    campaign_samples.LAYER,
    standard_limits.LAYER,
    permit_limits.LAYER,
    discharge_loads.LAYER,
    permit_totals.LAYER,
    park_targets.LAYER,
    pollutant_catalogue.LAYER,
    solid_waste.LAYER,
    ldar_checks.LAYER,
    energy_use.LAYER,
    carbon_accounts.LAYER,
    manual_monitoring.LAYER,
    operating_conditions.LAYER,
    exceedances.LAYER,
    alerts.LAYER,
    hazardous_chemicals.LAYER,
    hazard_sources.LAYER,
    emergency_plans.LAYER,
    emergency_supplies.LAYER,
    shelters.LAYER,
    emergency_teams.LAYER,
    risk_control_points.LAYER,
    facilities.LAYER,
    cameras.LAYER,
    clues.LAYER,
    inspections.LAYER,
    rectifications.LAYER,
    weather_responses.LAYER,
)

#: Read-only layers the database computes (``Layer.view``), served as collections beside the
#: tables: they have no table, are never loaded or written.
VIEWS: tuple[Layer, ...] = (daily_means.LAYER, latest_values.LAYER)

#: Every collection: the tables, then the views.
COLLECTIONS: tuple[Layer, ...] = REGISTRY + VIEWS

BY_ID: dict[str, Layer] = {layer.id: layer for layer in COLLECTIONS}


class UnknownLayerError(KeyError):
    """Raised for a layer id that is not in the registry."""

    def __str__(self) -> str:
        return (
            f"未知图层 {self.args[0]!r} / unknown layer {self.args[0]!r}; known: {', '.join(BY_ID)}"
        )


def get_layer(layer_id: str) -> Layer:
    """The declaration of ``layer_id``; :class:`UnknownLayerError` when there is none."""
    try:
        return BY_ID[layer_id]
    except KeyError:
        raise UnknownLayerError(layer_id) from None
