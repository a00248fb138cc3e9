"""The HJ 212 code tables shipped as data."""

from __future__ import annotations

from layers.parameters import BY_CODE
from monitoring.factor_codes import codes_2005, factors_2017, resolve


def test_2005_codes_map_to_their_2017_codes() -> None:
    assert resolve("011").code == "w01018" and resolve("011").registered
    assert resolve("060").code == "w21003"
    assert resolve("B01").code == "w00000" and resolve("B01").unit == "L/s"
    assert resolve("02").code == "a21026" and resolve("02").from_2005


def test_every_2005_target_and_every_catalogue_code_is_in_the_2017_tables() -> None:
    listed = factors_2017()
    assert set(codes_2005().values()) <= set(listed)
    assert set(BY_CODE) <= set(listed)
    assert {f.medium for f in listed.values()} == {"water", "air", "met", "noise"}


def test_codes_outside_every_table_are_kept_as_sent() -> None:
    vendor = resolve("R01")
    assert (vendor.code, vendor.registered, vendor.listed, vendor.unit) == ("R01", False, None, "")
    no = resolve("a21003")
    assert not no.registered and no.listed is not None and no.name_zh == "一氧化氮"
