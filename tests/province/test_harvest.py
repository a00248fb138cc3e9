"""A provincial instance harvests two park instances (``onemap serve`` on two loopback ports)
through their OGC APIs: every row with its park's code, time series by ``datetime``, the other
layers by the park's change feed (deletions too), shared layers only with the park's token."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from accounts import store
from province import harvest as harvest_module
from province.figures import park_figures
from province.harvest import add_park, harvest


def _observe(url: str, *hours: int) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for hour in hours:
            connection.execute(
                sa.text(
                    "INSERT INTO observations (station_code, time, parameter, value, unit)"
                    " VALUES ('AQ-01', :t, 'a21026', 8.5, 'ug/m3')"
                ),
                {"t": f"2026-11-30T{hour:02d}:00:00Z"},
            )
    engine.dispose()


def _at_park(url: str, *statements: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(sa.text(statement))
    engine.dispose()


def _scalar(engine: sa.Engine, sql: str) -> object:
    with engine.connect() as connection:
        return connection.execute(sa.text(sql)).scalar_one()


def _wait_until_refused(url: str, token: str) -> None:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(request, timeout=10).close()
        except urllib.error.HTTPError as exc:
            assert exc.code == 401, exc.code
            return
        assert time.monotonic() < deadline, "the park still accepts the revoked token"
        time.sleep(0.2)


def _register(province: sa.Engine, parks: dict[str, tuple[str, str]]) -> None:
    with province.begin() as connection:
        for code, (root, _) in parks.items():
            add_park(connection, code, root, None)


def test_two_parks_into_one_province(
    parks: dict[str, tuple[str, str]], province: sa.Engine
) -> None:
    _observe(parks["PARK-A"][1], 1, 2)
    _register(province, parks)
    first = harvest(province)
    assert not first.failed
    assert first.read[("PARK-A", "stations")] == first.read[("PARK-B", "stations")] == 28
    assert first.read[("PARK-A", "observations")] == 2
    assert first.how[("PARK-A", "stations")] == "whole"
    assert first.how[("PARK-A", "observations")] == "datetime"  # no per-row trail
    with province.connect() as connection:
        counts = dict(
            connection.execute(
                sa.text(
                    "SELECT park_code, count(*) FROM province_features"
                    " WHERE collection = 'stations' AND geom IS NOT NULL GROUP BY 1"
                )
            ).all()
        )
    assert counts == {"PARK-A": 28, "PARK-B": 28}
    engine_b = sa.create_engine(parks["PARK-B"][1])
    major = _scalar(engine_b, "SELECT count(*) FROM enterprises WHERE risk_level = 'major'")
    engine_b.dispose()
    now = dt.datetime.now(dt.UTC)
    with province.connect() as connection:
        table = {f.code: f for f in park_figures(connection, now, now)}
    assert (table["PARK-A"].enterprises, table["PARK-B"].enterprises) == (0, 120)
    assert isinstance(major, int) and table["PARK-B"].major_risk == major > 0
    assert table["PARK-A"].stations == 28 and table["PARK-A"].capture_rate == 0.0
    # incrementally: only the observations from the newest harvested on are read again
    _observe(parks["PARK-A"][1], 3)
    second = harvest(province)
    assert second.read[("PARK-A", "observations")] == 2  # 02:00 again, and 03:00
    assert second.how[("PARK-A", "stations")] == "changes"
    assert second.read[("PARK-A", "stations")] == second.changed[("PARK-A", "stations")] == 0
    stored = _scalar(
        province,
        "SELECT count(*) FROM province_features WHERE park_code = 'PARK-A'"
        " AND collection = 'observations'",
    )
    assert stored == 3


def test_harvest_by_the_audit_trail(
    parks: dict[str, tuple[str, str]], province: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    park_a = parks["PARK-A"][1]
    _register(province, parks)
    assert not harvest(province).failed
    _at_park(
        park_a,
        "UPDATE stations SET name = 'renamed 改名' WHERE code = 'AQ-01'",
        "DELETE FROM stations WHERE code = 'AQ-02'",
        "INSERT INTO stations (code, name, type, geom) VALUES ('AQ-99', 'new 新站', 'air',"
        " ST_SetSRID(ST_MakePoint(120.01, 32.01), 4326))",
    )
    second = harvest(province)
    key = ("PARK-A", "stations")
    assert second.how[key] == "changes"
    assert (second.read[key], second.changed[key], second.deleted[key]) == (2, 2, 1)
    assert second.read[("PARK-B", "stations")] == 0  # nothing changed there
    assert second.read[("PARK-B", "enterprises")] == 0

    def names() -> dict[str, str]:
        with province.connect() as connection:
            return dict(
                connection.execute(
                    sa.text(
                        "SELECT properties ->> 'code', properties ->> 'name'"
                        " FROM province_features"
                        " WHERE park_code = 'PARK-A' AND collection = 'stations'"
                    )
                ).all()
            )

    after = names()
    assert len(after) == 28 and "AQ-02" not in after
    assert (after["AQ-01"], after["AQ-99"]) == ("renamed 改名", "new 新站")
    # a feed that cannot say (the park's database replaced: a position its trail never
    # reached): the collection is read whole, and what the park no longer has is deleted
    _at_park(park_a, "DELETE FROM stations WHERE code = 'AQ-03'")
    with province.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE province_harvests SET changes_position = 10^12"
                " WHERE park_code = 'PARK-A' AND collection = 'stations'"
            )
        )
    third = harvest(province)
    assert third.how[key] == "whole"
    assert (third.read[key], third.changed[key], third.deleted[key]) == (27, 0, 1)
    assert "AQ-03" not in names() and len(names()) == 27
    assert harvest(province).how[key] == "changes"  # the position taken again
    # more changed features than requests one by one are worth: one whole read instead
    monkeypatch.setattr(harvest_module, "MAX_ITEM_REQUESTS", 1)
    _at_park(park_a, "UPDATE stations SET name = name || '*' WHERE code IN ('AQ-04', 'MT-01')")
    fifth = harvest(province)
    assert fifth.how[key] == "whole"
    assert (fifth.read[key], fifth.changed[key], fifth.deleted[key]) == (27, 2, 0)


def test_shared_layer_needs_the_parks_token(
    parks: dict[str, tuple[str, str]], province: sa.Engine
) -> None:
    root_b, park_b = parks["PARK-B"]
    engine_b = sa.create_engine(park_b)
    at_park = _scalar(engine_b, "SELECT count(*) FROM hazardous_chemicals")
    assert isinstance(at_park, int) and at_park > 0
    store.add_role(engine_b, "province", ["read:hazardous_chemicals"], "省级汇聚", "province")
    store.add_user(engine_b, "jiangsu", "province")
    token_id, token = store.create_token(engine_b, "jiangsu", "harvest")
    key = ("PARK-B", "hazardous_chemicals")

    def shared_rows() -> object:
        return _scalar(
            province,
            "SELECT count(*) FROM province_features WHERE collection = 'hazardous_chemicals'",
        )

    # anonymous: the internal layer does not exist for the province
    _register(province, parks)
    first = harvest(province)
    assert not first.failed and key not in first.read and shared_rows() == 0
    # with the park's token: read in full
    with province.begin() as connection:
        add_park(connection, "PARK-B", root_b, token)
    second = harvest(province)
    assert not second.failed
    assert second.read[key] == at_park == shared_rows()
    # the token revoked: the park refuses, is reported and kept as harvested; park A goes on
    store.revoke_token(engine_b, token_id)
    engine_b.dispose()
    _wait_until_refused(f"{root_b}/collections?f=json", token)  # the park caches it for 5 s
    _observe(parks["PARK-A"][1], 4)
    third = harvest(province)
    assert set(third.failed) == {"PARK-B"}
    assert "401" in third.failed["PARK-B"] and "token" in third.failed["PARK-B"]
    assert third.read[("PARK-A", "observations")] == 1
    assert key not in third.read and shared_rows() == at_park
    # the command says so and fails, for a timer to notice
    url = province.url.render_as_string(hide_password=False)
    command = [str(Path(sys.executable).with_name("onemap")), "province", "harvest"]
    done = subprocess.run(
        command, env={**os.environ, "ONEMAP_DATABASE_URL": url}, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "PARK-B" in done.stderr and "401" in done.stderr and "Traceback" not in done.stderr


def test_feature_times_are_instants_with_their_offset() -> None:
    from province.harvest import _instant

    # a date (daily means) is the day's first instant in the parks' zone, Asia/Shanghai
    assert _instant("2025-03-01") == "2025-03-01T00:00:00+08:00"
    assert _instant("2025-03-01T10:00:00Z") == "2025-03-01T10:00:00+00:00"
    assert _instant("2025-03-01T10:00:00+08:00") == "2025-03-01T10:00:00+08:00"
    assert _instant("2025-03-01T10:00:00") is None  # no offset: not an instant
    assert _instant("soon") is None and _instant(None) is None
