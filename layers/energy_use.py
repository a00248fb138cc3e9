"""Energy and water use per enterprise and month (Jiangsu 7.4.8), summed by industry and zone
(``sources.registers``)."""

from __future__ import annotations

from layers.declared_fields import DECLARING_ENTERPRISE, MONTH, REVIEW, tonnes
from layers.spec import Access, Field, FieldType, Group, Layer

T = FieldType


def _amount(name: str, zh: str, en: str, unit: str) -> Field:
    return Field(name, T.REAL, zh, en, unit=unit, minimum=0)


LAYER = Layer(
    id="energy_use",
    zh="能源消耗",
    en="Energy use",
    group=Group.SOURCES,
    geometry=None,
    description_zh="企业逐月用水、用电、天然气、蒸汽、油、煤和生物质消耗",
    description_en="Monthly water, electricity, gas, steam, oil, coal and biomass per enterprise",
    fields=(
        DECLARING_ENTERPRISE,
        MONTH,
        _amount("water_m3", "用水量", "Water", "m³"),
        _amount("electricity_kwh", "用电量", "Electricity", "kWh"),
        _amount("gas_m3", "天然气", "Natural gas", "m³"),
        tonnes("steam_t", "蒸汽", "Steam"),
        tonnes("oil_t", "油品", "Oil"),
        tonnes("coal_t", "煤炭", "Coal"),
        tonnes("biomass_t", "生物质", "Biomass"),
        *REVIEW,
    ),
    natural_key=("credit_code", "period"),
    access=Access.INTERNAL,
    owner_field="credit_code",
    enterprise_writable=True,
    declared=True,
    source="Jiangsu 7.4.8",
)
