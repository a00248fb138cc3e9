"""Case notifications (issue 14) through the generic notifier, with a real SMTP server and a
real webhook endpoint (tests/conftest.py): a case handed to an enterprise tells its users and
its handler, a deadline 3 days away and a passed one are told once each, and a case that moved
on before its notice went out is not told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from accounts import store as accounts
from accounts.principal import Principal
from cases.clues import CLUES
from cases.inspections import RECTIFICATIONS, issue_rectification
from cases.notices import Delivered, run_once
from cases.store import create_case, make_transition
from etl.load import load_file
from notifier.channels import ChannelSettings
from notifier.dispatch import Dispatcher
from notifier.recipients import set_targets

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
CODE_A = "91321283MA25XRUQ2P"
CODE_B = "91321283MA34B97A7U"


@pytest.fixture
def park(engine: sa.Engine) -> dict[str, Principal]:
    """The test's own database with the demo enterprises and four users: staff, the handler
    (a staff user with an address), A's environmental contact (mail and webhook), B's."""
    assert load_file(DEMO / "enterprises.csv", "enterprises", engine).rejected == 0
    principals = {}
    for login, role, codes in (
        ("duty", "staff", []),
        ("inspector-li", "staff", []),
        ("hse-a", "enterprise", [CODE_A]),
        ("hse-b", "enterprise", [CODE_B]),
    ):
        accounts.add_user(engine, login, role, codes, None)
        _, token = accounts.create_token(engine, login)
        principals[login] = accounts.principal_for_token(engine, token)
    with engine.begin() as c:
        set_targets(c, "inspector-li", "email", ["li@park.example"])
        set_targets(c, "hse-a", "email", ["hse@a.example"])
        set_targets(c, "hse-b", "email", ["hse@b.example"])
    return principals


@pytest.fixture
def dispatcher(engine: sa.Engine, mail_server: Any) -> Iterator[Dispatcher]:
    settings = ChannelSettings(smtp_host="127.0.0.1", smtp_port=mail_server.port, backoff_s=0.2)
    out = Dispatcher(engine, settings)
    yield out
    out.close()


def _now(engine: sa.Engine) -> dt.datetime:
    with engine.connect() as c:
        return c.execute(sa.text("SELECT now()")).scalar_one()  # type: ignore[no-any-return]


def _round(engine: sa.Engine, dispatcher: Dispatcher, **kw: Any) -> Delivered:
    done = run_once(engine, dispatcher, {}, **kw)
    assert dispatcher.wait_idle()
    return done


def _clue(engine: sa.Engine, staff: Principal) -> int:
    return create_case(
        engine,
        CLUES,
        staff,
        {
            "source": "patrol",
            "clue_type": "water",
            "occurred_at": "2026-11-30T09:00+08:00",
            "description": "雨水口有异味 / odour at a storm drain",
            "credit_code": CODE_A,
        },
    )


def test_an_assigned_clue_tells_the_enterprise_and_the_handler(
    engine: sa.Engine,
    park: dict[str, Principal],
    dispatcher: Dispatcher,
    mail_server: Any,
    webhook_receiver: Any,
) -> None:
    hook = webhook_receiver()
    with engine.begin() as c:
        set_targets(c, "hse-a", "webhook", [hook.url])
    clue = _clue(engine, park["duty"])
    assert _round(engine, dispatcher).notices == 0  # registered: nobody has to act but staff
    deadline = _now(engine) + dt.timedelta(days=10)
    make_transition(
        engine,
        CLUES,
        park["duty"],
        clue,
        "assign",
        values={"handler": "inspector-li", "deadline": deadline.isoformat()},
    )
    done = _round(engine, dispatcher)
    assert (done.notices, done.queued, done.untold) == (1, 2, 0)
    [mail] = mail_server.wait(1)
    assert mail["To"] == "hse@a.example, li@park.example"  # B's contact is not told
    assert "待办理" in str(mail["Subject"]) and "问题线索" in str(mail["Subject"])
    with engine.connect() as c:
        case_no = c.execute(
            sa.text("SELECT case_no FROM clues WHERE id = :i"), {"i": clue}
        ).scalar_one()
    assert case_no in str(mail["Subject"]) and "odour" in mail.get_content()
    [posted] = hook.wait(1)
    assert posted["msgtype"] == "text"
    assert (posted["case_type"], posted["case_id"], posted["event"]) == ("clues", clue, "assigned")
    with engine.connect() as c:
        log = c.execute(
            sa.text(
                "SELECT topic, ref, event, channel, ok FROM notification_deliveries "
                "ORDER BY channel"
            )
        ).all()
    assert [tuple(r) for r in log] == [
        ("clues", clue, "assigned", "email", True),
        ("clues", clue, "assigned", "webhook", True),
    ]
    assert _round(engine, dispatcher).notices == 0  # told once


def test_a_rectification_deadline_is_told_when_near_and_when_passed_once_each(
    engine: sa.Engine, park: dict[str, Principal], dispatcher: Dispatcher, mail_server: Any
) -> None:
    now = _now(engine)
    rectification = issue_rectification(
        engine,
        park["duty"],
        {"credit_code": CODE_B, "g1_code": "1a", "deadline": (now + dt.timedelta(days=2))},
    )
    done = _round(engine, dispatcher, now_utc=now)  # issued (assigned) and due within 3 days
    assert (done.notices, done.queued) == (2, 2)
    subjects = sorted(str(m["Subject"]) for m in mail_server.wait(2))
    assert any("期限临近" in s for s in subjects) and any("待办理" in s for s in subjects)
    assert all(m["To"] == "hse@b.example" for m in mail_server.messages)
    assert _round(engine, dispatcher, now_utc=now + dt.timedelta(hours=1)).notices == 0
    done = _round(engine, dispatcher, now_utc=now + dt.timedelta(days=3))
    assert (done.notices, done.queued) == (1, 1)
    assert "已逾期" in str(mail_server.wait(3)[2]["Subject"])
    assert _round(engine, dispatcher, now_utc=now + dt.timedelta(days=4)).notices == 0
    # answered: no longer the enterprise's to act on, so no further reminder
    make_transition(
        engine,
        RECTIFICATIONS,
        park["hse-b"],
        rectification,
        "answer",
        comment="已整改 / fixed",
    )
    assert _round(engine, dispatcher, now_utc=now + dt.timedelta(days=5)).notices == 0


def test_a_case_that_moved_on_before_its_notice_went_out_is_not_told(
    engine: sa.Engine, park: dict[str, Principal], dispatcher: Dispatcher, mail_server: Any
) -> None:
    clue = _clue(engine, park["duty"])
    deadline = (_now(engine) + dt.timedelta(days=10)).isoformat()
    make_transition(engine, CLUES, park["duty"], clue, "assign", values={"deadline": deadline})
    make_transition(engine, CLUES, park["hse-a"], clue, "accept")
    make_transition(engine, CLUES, park["hse-a"], clue, "answer", comment="已处理 / done")
    done = _round(engine, dispatcher)
    assert (done.notices, done.queued, done.untold) == (1, 0, 1)
    assert mail_server.messages == []
