"""The ten-second summary of an ``emergency-response`` result, in Chinese and English: the
wind and who is downwind, where the water goes and what to close first, the nearest help, and
what watches the place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from analytics.geojson import Feature
from analytics.met import iso

Lines = tuple[list[str], list[str]]


def _km(metres: float | None) -> str:
    return "—" if metres is None else f"{metres / 1000:.1f} km"


def _first(features: list[Feature], kind: str) -> dict[str, Any] | None:
    return next((f["properties"] for f in features if f["properties"]["kind"] == kind), None)


def _air(wind: dict[str, Any], receptors: list[Feature], population: dict[str, Any]) -> Lines:
    if wind["hour"] is None:
        zh, en = ["无风向数据，按四周受威胁计。"], ["No wind data: every direction is threatened."]
    elif wind["calm"]:
        zh = [f"静风（{wind['speed_ms']} m/s），四周均受威胁。"]
        en = [f"Calm ({wind['speed_ms']} m/s): threatened all round."]
    else:
        zh = [
            f"{wind['from_zh']}风 {wind['speed_ms']} m/s（来自{wind['from_deg']:g}°），"
            f"下风向{wind['to_deg']:g}°。"
        ]
        en = [
            f"Wind from {wind['from']} ({wind['from_deg']:g}°) at {wind['speed_ms']} m/s, "
            f"blowing to {wind['to_deg']:g}°."
        ]
    people = population.get("population") if population.get("available") else None
    head = [r["properties"] for r in receptors[:3]]
    names_zh = "、".join(f"{r['name']}（{r['direction_zh']} {_km(r['distance_m'])}）" for r in head)
    names_en = ", ".join(f"{r['name']} ({r['direction']} {_km(r['distance_m'])})" for r in head)
    zh.append(
        f"下风向敏感目标{len(receptors)}处"
        + (f"：{names_zh}" if head else "")
        + (f"，扇区内约{people:,}人。" if people is not None else "。")
    )
    en.append(
        f"{len(receptors)} receptors downwind"
        + (f": {names_en}" if head else "")
        + (f"; about {people:,} people in the sector." if people is not None else ".")
    )
    return zh, en


def _water(water: dict[str, Any]) -> Lines:
    zh: list[str] = []
    en: list[str] = []
    reached = [
        f["properties"] for f in water["features"] if f["properties"]["kind"] == "water_receptor"
    ]
    if water["river"].get("traced"):
        if reached:
            first = reached[0]
            where, when = _km(first["network_distance_m"]), first.get("arrival_time") or "—"
            zh.append(
                f"水路：{len(reached)}处水环境目标，最近{first['name']}（{where}，{when}到达）。"
            )
            en.append(
                f"Water: {len(reached)} water targets, first {first['name']} ({where}, {when})."
            )
        else:
            zh.append("水路：下游无取水口或水源保护区。")
            en.append("Water: no intake or protection zone downstream.")
    control = _first(water["features"], "control_point")
    if control is not None:
        along = _km(control["network_distance_m"])
        zh.append(f"先关：{control['name']}（沿管网{along}）。")
        en.append(f"Close first: {control['code']} ({control['control_kind']}, {along} along).")
    return zh, en


def _help(help_features: list[Feature], around: list[Feature]) -> Lines:
    zh: list[str] = []
    en: list[str] = []
    for kind, zh_word, en_word in (
        ("shelter", "避难场所", "shelter"),
        ("depot", "物资库", "depot"),
        ("team", "救援队", "team"),
    ):
        nearest = _first(help_features, kind)
        if nearest is None:
            continue
        room = nearest.get("capacity_people") if kind == "shelter" else None
        zh.append(
            f"最近{zh_word}：{nearest['name']}（{_km(nearest['distance_m'])}"
            + (f"，可容{room}人" if room else "")
            + "）。"
        )
        en.append(
            f"Nearest {en_word}: {nearest['name']} ({_km(nearest['distance_m'])}"
            + (f", room for {room}" if room else "")
            + ")."
        )
    cameras = sum(f["properties"]["kind"] == "camera" for f in around)
    sources = sum(f["properties"]["kind"] == "hazard_source" for f in around)
    zh.append(f"附近摄像机{cameras}台，重大危险源{sources}处。")
    en.append(f"Nearby: {cameras} cameras, {sources} major hazard installations.")
    return zh, en


def summarise(
    time: datetime,
    wind: dict[str, Any],
    receptors: list[Feature],
    population: dict[str, Any],
    water: dict[str, Any],
    help_features: list[Feature],
    around: list[Feature],
    chemical: dict[str, Any] | None,
) -> tuple[str, str]:
    """The Chinese and the English paragraph."""
    zh, en = [iso(time, time.tzinfo)], [iso(time, time.tzinfo)]
    if chemical is not None:
        zh.append(f"泄漏物：{chemical.get('name_zh') or chemical['given']}。")
        en.append(f"Released: {chemical.get('name_en') or chemical['given']}.")
    for part_zh, part_en in (
        _air(wind, receptors, population),
        _water(water),
        _help(help_features, around),
    ):
        zh += part_zh
        en += part_en
    return " ".join(zh), " ".join(en)
