"""A year of plausible cases for the demo park (``onemap demo cases``), reproducible by seed.

Over the twelve months before ``as_of``: inspections of every classified enterprise by its class
(about one in ten periods missed), their G.1 findings and rectifications (most closed, some
open and overdue); clues from patrols, supervision and the monitoring year's exceedances
(carrying their trace); anonymous complaints; three heavy-pollution-weather notices to the key
dischargers with a few late and missing answers; each enterprise's E.1 file with placeholder
PDFs, some items expired, some missing. The rows and their histories are written with
their own past times, which the API cannot do (it stamps every change with the present), in one
transaction; the audit trail names the loader.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from accounts import audit
from cases import documents
from cases.clues import CLUES
from cases.demo_archive import STAFF, file_demo_archive
from cases.g1 import codes
from cases.inspections import INSPECTIONS, RECTIFICATIONS
from cases.schedule import PERIOD_MONTHS, period_of
from cases.spec import CaseType
from cases.weather import WEATHER_RESPONSES

DEFAULT_SEED = 20261203
#: One step of a demo case: transition, target state, time, actor, comment.
Step = tuple[str, str, dt.datetime, str, str | None]
DAY = dt.timedelta(days=1)
CHECKLIST = (
    "环保手续 / procedures",
    "污染治理设施 / pollution control",
    "自行监测 / self-monitoring",
    "排污许可执行 / permit execution",
    "一企一档 / the enterprise file",
)
CLUE_TEXTS = (
    ("patrol", "odour", "厂界异味 / odour at the fence"),
    ("patrol", "water", "雨水排口有色水 / coloured water at a rain outlet"),
    ("supervision", "air", "上级督办：夜间冒黑烟 / supervised: black smoke at night"),
    ("patrol", "solid_waste", "危废露天堆放 / hazardous waste stored in the open"),
    ("inspection", "noise", "风机噪声扰民 / fan noise at the houses"),
)


class _Writer:
    """Inserts case rows with their histories at given times."""

    def __init__(self, connection: sa.Connection, rng: random.Random) -> None:
        self.connection = connection
        self.rng = rng
        self.serial = 0

    def number(self, case_type: CaseType, at: dt.datetime) -> str:
        self.serial += 1
        return f"{case_type.number_prefix}{at:%Y%m%d}-D{self.serial:05X}"

    def case(
        self,
        case_type: CaseType,
        row: dict[str, Any],
        geom_sql: str,
        steps: Sequence[Step],
        params: dict[str, Any] | None = None,
    ) -> int:
        """Insert a case registered at ``row['registered_at']`` and its ``steps`` (transition,
        target state, time, actor, comment); its id."""
        at = row["registered_at"]
        row = row | {
            "case_no": self.number(case_type, at),
            "state": steps[-1][1] if steps else case_type.initial,
            "updated_at": steps[-1][2] if steps else at,
        }
        names = ", ".join(f'"{c}"' for c in row)
        binds = ", ".join(f":{c}" for c in row)
        case_id = int(
            self.connection.execute(
                sa.text(
                    f'INSERT INTO "{case_type.id}" ({names}, geom) VALUES ({binds}, {geom_sql}) '
                    "RETURNING id"
                ),
                row | (params or {}),
            ).scalar_one()
        )
        history: list[tuple[str, str | None, str, dt.datetime, str, str | None]] = [
            ("register", None, case_type.initial, at, STAFF, None)
        ]
        state = case_type.initial
        for name, target, when, actor, comment in steps:
            history.append((name, state, target, when, actor, comment))
            state = target
        for name, source, target, when, actor, comment in history:
            self.connection.execute(
                sa.text(
                    "INSERT INTO case_transitions (case_type, case_id, transition, from_state, "
                    "to_state, actor, at, comment) VALUES (:t, :c, :n, :f, :s, :a, :at, :m)"
                ),
                {
                    "t": case_type.id,
                    "c": case_id,
                    "n": name,
                    "f": source,
                    "s": target,
                    "a": actor,
                    "at": when,
                    "m": comment,
                },
            )
        return case_id


def _at_enterprise(code_param: str = "credit_code") -> str:
    return f"(SELECT geom FROM enterprises WHERE credit_code = :{code_param})"


def _inspections(
    w: _Writer, enterprises: list[dict[str, Any]], start: dt.datetime, as_of: dt.datetime
) -> dict[str, int]:
    counts = {"inspections": 0, "rectifications": 0}
    all_codes = list(codes())
    for e in enterprises:
        cls = e["inspection_class"]
        day = start.date()
        while day <= as_of.date():
            period_start, period_end = period_of(cls, day)
            day = period_end
            if w.rng.random() < 0.1:
                continue  # a missed period: the schedule shows it overdue
            if period_end > as_of.date() and w.rng.random() < 0.4:
                continue  # the current period: not everyone is done yet (due)
            first = max(period_start, start.date())
            last = min(period_end - DAY, as_of.date() - DAY)
            if last < first:
                continue
            inspected = dt.datetime.combine(
                first + (last - first) * w.rng.random(), dt.time(9, 30), start.tzinfo
            )
            found = w.rng.sample(all_codes, w.rng.choice((0, 0, 1, 1, 2)))
            checklist = [
                {"item": item, "result": "problem" if found and n == 1 else "ok", "note": ""}
                for n, item in enumerate(CHECKLIST)
            ]
            row = {
                "credit_code": e["credit_code"],
                "inspection_class": cls,
                "inspected_at": inspected,
                "inspector": w.rng.choice(("李明", "王芳", "赵强")),
                "checklist": json.dumps(checklist, ensure_ascii=False),
                "findings": found,
                "finding_count": len(found),
                "registered_at": inspected + dt.timedelta(hours=3),
            }
            closed = inspected + 40 * DAY
            steps = [("close", "closed", closed, STAFF, None)] if closed < as_of else []
            inspection_id = w.case(INSPECTIONS, row, _at_enterprise(), steps)
            counts["inspections"] += 1
            for code in found:
                _rectification(w, e, inspection_id, codes()[code], row["registered_at"], as_of)
                counts["rectifications"] += 1
    return counts


def _rectification(
    w: _Writer,
    e: dict[str, Any],
    inspection_id: int,
    code: Any,
    issued: dt.datetime,
    as_of: dt.datetime,
) -> None:
    deadline = issued + w.rng.choice((15, 30)) * DAY
    answered = issued + w.rng.randint(5, 35) * DAY
    enterprise = f"user:demo-{e['credit_code'][-6:].lower()}"
    steps: list[Step] = []
    if answered < as_of:
        steps.append(("answer", "answered", answered, enterprise, "已整改，附照片 / fixed"))
        if answered + 5 * DAY < as_of:
            steps.append(("close", "closed", answered + 5 * DAY, STAFF, "复核通过 / re-checked"))
    row = {
        "credit_code": e["credit_code"],
        "inspection_id": inspection_id,
        "g1_code": code.code,
        "problem": f"{code.problem_zh} / {code.problem_en}",
        "suggestion": f"{code.suggestion_zh} / {code.suggestion_en}",
        "deadline": deadline,
        "registered_at": issued,
    }
    w.case(RECTIFICATIONS, row, _at_enterprise(), steps)


def _clue_steps(w: _Writer, code: str, registered: dt.datetime, as_of: dt.datetime) -> list[Step]:
    enterprise = f"user:demo-{code[-6:].lower()}"
    plan = [
        ("assign", "assigned", 1, STAFF, "请核查整改 / check and fix"),
        ("accept", "handling", 2, enterprise, None),
        ("answer", "answered", 9, enterprise, "已处理 / dealt with"),
        ("revisit", "revisited", 12, STAFF, "现场复核 / checked on site"),
        ("close", "closed", 13, STAFF, None),
    ]
    stop = w.rng.choice((1, 3, 5, 5, 5, 5))
    return [
        (name, target, registered + days * DAY, actor, comment)
        for name, target, days, actor, comment in plan[:stop]
        if registered + days * DAY < as_of
    ]


def _clues(
    w: _Writer, enterprises: list[dict[str, Any]], start: dt.datetime, as_of: dt.datetime
) -> dict[str, int]:
    span = as_of - start
    counts = {"clues": 0, "complaints": 0}
    exceedances = (
        w.connection.execute(
            sa.text(
                "SELECT x.id, x.start_time, x.station_code, x.parameter, x.trace_process, "
                "x.trace_inputs, e.credit_code, e.industry_name FROM exceedances x "
                "CROSS JOIN LATERAL (SELECT credit_code, industry_name FROM enterprises "
                "ORDER BY geom <-> x.geom LIMIT 1) e WHERE x.trace_process IS NOT NULL "
                "ORDER BY x.id"
            )
        )
        .mappings()
        .all()
    )
    for x in w.rng.sample(list(exceedances), min(30, len(exceedances))):
        registered = x["start_time"] + DAY
        row = {
            "source": "monitoring",
            "credit_code": x["credit_code"],
            "industry": x["industry_name"],
            "clue_type": "water" if x["parameter"].startswith("w") else "air",
            "occurred_at": x["start_time"],
            "description": f"{x['station_code']} {x['parameter']} 超标 / beyond the limit",
            "exceedance_id": x["id"],
            "trace_process": x["trace_process"],
            "trace_inputs": x["trace_inputs"],
            "deadline": registered + 15 * DAY,
            "registered_at": registered,
        }
        geom = "(SELECT geom FROM exceedances WHERE id = :exceedance_id)"
        w.case(CLUES, row, geom, _clue_steps(w, x["credit_code"], registered, as_of))
        counts["clues"] += 1
    for _ in range(40):
        e = w.rng.choice(enterprises)
        source, clue_type, text = w.rng.choice(CLUE_TEXTS)
        registered = start + span * w.rng.random()
        row = {
            "source": source,
            "credit_code": e["credit_code"],
            "industry": e["industry_name"],
            "clue_type": clue_type,
            "occurred_at": registered - dt.timedelta(hours=5),
            "description": text,
            "deadline": registered + 15 * DAY,
            "registered_at": registered,
        }
        w.case(CLUES, row, _at_enterprise(), _clue_steps(w, e["credit_code"], registered, as_of))
        counts["clues"] += 1
    for _ in range(15):
        e = w.rng.choice(enterprises)
        registered = start + span * w.rng.random()
        receipt = "".join(w.rng.choice("23456789ABCDEFGHJKMNPQRSTUVWXYZ") for _ in range(12))
        row = {
            "source": "complaint",
            "clue_type": "odour",
            "occurred_at": registered,
            "description": "群众投诉：夜间刺鼻气味 / complaint: a sharp smell at night",
            "registered_at": registered,
            "receipt_sha256": hashlib.sha256(receipt.encode()).hexdigest(),
            "credit_code": e["credit_code"],
            "deadline": registered + 15 * DAY,
        }
        # the place clicked: a few hundred metres from the enterprise complained about
        place = {"distance_m": w.rng.uniform(100, 800), "azimuth_deg": w.rng.uniform(0, 360)}
        geom = (
            "ST_Project((SELECT geom FROM enterprises WHERE credit_code = :credit_code)"
            "::geography, :distance_m, radians(:azimuth_deg))::geometry"
        )
        steps = _clue_steps(w, e["credit_code"], registered, as_of)
        w.case(CLUES, row, geom, steps, place)
        counts["complaints"] += 1
    return counts


def _weather(w: _Writer, listed: list[str], as_of: dt.datetime) -> dict[str, int]:
    """Three notices (orange, yellow, and a red one still running on ``as_of``); most answer
    in time, some late, some never."""
    counts = {"weather_notices": 0, "weather_responses": 0}
    for n, (days_ago, level) in enumerate(((330, "orange"), (40, "yellow"), (1, "red")), 1):
        issued = as_of - days_ago * DAY
        notice_no = f"TZ{issued:%Y%m%d}-D{n:03d}"
        answer_by = issued + dt.timedelta(hours=6)
        period_end = issued + 3 * DAY
        counts["weather_notices"] += 1
        for code in listed:
            roll = w.rng.random()
            answered = None if roll < 0.08 else issued + dt.timedelta(hours=2 + 8 * roll**3)
            steps: list[Step] = []
            if answered is not None and answered < as_of:
                steps.append(
                    ("answer", "answered", answered, f"user:demo-{code[-6:].lower()}", None)
                )
            if period_end < as_of:
                steps.append(("close", "closed", period_end, STAFF, "预警解除 / alert lifted"))
            row = {
                "notice_no": notice_no,
                "credit_code": code,
                "level": level,
                "period_start": issued + dt.timedelta(hours=12),
                "period_end": period_end,
                "answer_by": answer_by,
                "measures": "限产30%，停止露天作业 / output cut 30 %, no open-air work"
                if answered is not None
                else None,
                "answered_at": answered,
                "late": None if answered is None else answered > answer_by,
                "registered_at": issued,
            }
            w.case(WEATHER_RESPONSES, row, _at_enterprise(), steps)
            counts["weather_responses"] += 1
    return counts


def load_demo_cases(
    engine: sa.Engine,
    actor: str,
    as_of: dt.datetime,
    seed: int = DEFAULT_SEED,
    store: documents.DocumentStore | None = None,
) -> dict[str, int]:
    """Write the demo cases of the year before ``as_of`` (and, given a ``store``, each
    enterprise's E.1 file); how many of each kind."""
    rng = random.Random(seed)
    start = as_of - 365 * DAY
    with engine.begin() as connection:
        audit.set_actor(connection, actor)
        enterprises = [
            dict(r)
            for r in connection.execute(
                sa.text(
                    "SELECT credit_code, inspection_class, industry_name, key_discharger "
                    "FROM enterprises ORDER BY id"
                )
            ).mappings()
        ]
        w = _Writer(connection, rng)
        classified = [e for e in enterprises if e["inspection_class"] in PERIOD_MONTHS]
        counts = _inspections(w, classified, start, as_of)
        counts |= _clues(w, enterprises, start, as_of)
        listed = [e["credit_code"] for e in enterprises if e["key_discharger"]]
        counts |= _weather(w, listed, as_of)
        if store is not None:
            counts |= file_demo_archive(connection, store, rng, enterprises, as_of)
    return counts
