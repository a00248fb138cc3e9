"""The policy by hand, on the real registry: who reads which rows and fields, who writes."""

from __future__ import annotations

import pytest

from accounts import policy
from accounts.errors import BadPermission
from accounts.permissions import SHIPPED, Permission
from accounts.principal import ANONYMOUS, Principal
from layers import BY_ID

A, B = "91321283MA25XRUQ2P", "91321283MA1X8TFU49"


def _user(role: str, *codes: str) -> Principal:
    return Principal(
        login=f"{role}-user",
        role=role,
        permissions=frozenset(SHIPPED[role].permissions),
        enterprises=codes,
        via="token",
    )


ENTERPRISE_A = _user("enterprise", A)
STAFF = _user("staff")


def test_anonymous_reads_public_fields_of_public_layers_only() -> None:
    view = policy.read_view(ANONYMOUS, BY_ID["enterprises"])
    assert view is not None and view.relation == '"enterprises"' and not view.personal
    assert "phone" not in view.field_names and "env_contact" not in view.field_names
    assert policy.read_view(ANONYMOUS, BY_ID["hazardous_chemicals"]) is None
    assert policy.write_scope(ANONYMOUS, BY_ID["enterprises"]) is None


def test_an_enterprise_sees_its_own_private_fields_and_only_its_internal_rows() -> None:
    view = policy.read_view(ENTERPRISE_A, BY_ID["enterprises"])
    assert view is not None and "phone" in view.field_names
    # other rows keep their private fields hidden: masked in the relation itself
    assert f'CASE WHEN "credit_code" = ANY(ARRAY[\'{A}\']::text[]) THEN "phone" END' in (
        view.relation
    )
    chemicals = policy.read_view(ENTERPRISE_A, BY_ID["hazardous_chemicals"])
    assert chemicals is not None
    assert f"WHERE \"credit_code\" = ANY(ARRAY['{A}']::text[])" in chemicals.relation
    # a layer with no owner field: the public view, nothing more
    stations = policy.read_view(ENTERPRISE_A, BY_ID["stations"])
    assert stations is not None and "phone" not in stations.field_names


def test_an_enterprise_writes_its_own_rows_of_writable_layers_only() -> None:
    scope = policy.write_scope(ENTERPRISE_A, BY_ID["enterprises"])
    assert scope is not None and scope.owners == (A,)
    assert scope.allows({"credit_code": A}) and not scope.allows({"credit_code": B})
    assert policy.write_scope(ENTERPRISE_A, BY_ID["stations"]) is None  # not enterprise-writable
    assert policy.write_scope(ENTERPRISE_A, BY_ID["observations"]) is None
    no_codes = _user("enterprise")
    assert policy.write_scope(no_codes, BY_ID["enterprises"]) is None


def test_staff_read_and_write_everything_and_see_histories() -> None:
    for layer in BY_ID.values():
        view = policy.read_view(STAFF, layer)
        assert view is not None and view.fields == layer.fields
        scope = policy.write_scope(STAFF, layer)
        # case layers change by their transitions only (test_case_layers_change_...); views
        # are computed by the database and written by nobody
        if layer.case or layer.view is not None:
            assert scope is None
        else:
            assert scope is not None and scope.owners is None
        assert policy.may_see_history(STAFF, layer)
    assert not policy.may_see_history(ENTERPRISE_A, BY_ID["enterprises"])
    assert not STAFF.may_manage_accounts() and _user("admin").may_manage_accounts()


def test_a_custom_role_narrowed_to_one_layer() -> None:
    reader = Principal(
        "viewer", "viewer", frozenset({Permission.parse("read:hazardous_chemicals")})
    )
    assert policy.read_view(reader, BY_ID["hazardous_chemicals"]) is not None
    assert policy.write_scope(reader, BY_ID["hazardous_chemicals"]) is None
    assert policy.allowed_methods(reader, BY_ID["hazardous_chemicals"], item=True) == (
        "GET",
        "HEAD",
        "OPTIONS",
    )


@pytest.mark.parametrize(
    "text", ["read", "read:", "erase:*", "manage:enterprises", "read:accounts", "write:*:mine"]
)
def test_bad_permissions_are_refused(text: str) -> None:
    with pytest.raises(BadPermission):
        Permission.parse(text)


def test_permissions_round_trip() -> None:
    for text in ("read:*", "write:*:own", "read:enterprises:own", "manage:accounts"):
        assert str(Permission.parse(text)) == text


def test_route_decisions() -> None:
    layer = BY_ID["hazardous_chemicals"]
    check = policy.check
    assert check(ANONYMOUS, policy.Rule.COLLECTION, "GET", layer, layer.id).status == 404
    assert check(ENTERPRISE_A, policy.Rule.COLLECTION, "GET", layer, layer.id) is None
    assert check(ANONYMOUS, policy.Rule.COLLECTION, "POST", BY_ID["zones"], "zones").status == 401
    denied = check(ENTERPRISE_A, policy.Rule.COLLECTION, "POST", BY_ID["zones"], "zones")
    assert denied is not None and denied.status == 403
    assert check(ANONYMOUS, policy.Rule.COLLECTION, "GET", None, "nope").status == 404
    assert check(ENTERPRISE_A, policy.Rule.HISTORY, "GET", layer, layer.id).status == 403
    assert check(ANONYMOUS, policy.Rule.SIGNED_IN, "GET", None, None).status == 401


def test_case_layers_change_only_by_transitions_of_the_right_party() -> None:
    clues = BY_ID["clues"]
    office, subject = policy.Party.OFFICE, policy.Party.SUBJECT
    assert policy.write_scope(STAFF, clues) is None
    assert policy.may_act(STAFF, clues, office, None)
    assert policy.may_act(STAFF, clues, subject, A)  # the office may act for the enterprise
    assert policy.may_act(ENTERPRISE_A, clues, subject, A)
    assert not policy.may_act(ENTERPRISE_A, clues, subject, B)
    assert not policy.may_act(ENTERPRISE_A, clues, subject, None)
    assert not policy.may_act(ENTERPRISE_A, clues, office, A)
    assert not policy.may_act(ANONYMOUS, clues, subject, A)
    assert not policy.may_act(STAFF, BY_ID["enterprises"], office, None)  # not a case layer
    denial = policy.check(STAFF, policy.Rule.COLLECTION, "POST", clues, "clues")
    assert denial is not None and denial.status == 403 and "transitions" in denial.message
    assert policy.check(ANONYMOUS, policy.Rule.CASE, "POST", clues, "clues") is not None
    assert policy.check(ENTERPRISE_A, policy.Rule.CASE, "POST", clues, "clues") is None


def test_the_declaration_rule_field_by_field_and_state_by_state() -> None:
    waste = BY_ID["solid_waste"]
    mine = policy.write_scope(ENTERPRISE_A, waste)
    office = policy.write_scope(STAFF, waste)
    assert mine is not None and mine.owners == (A,) and office is not None
    row = {"credit_code": A, "generated_t": 1.0}
    for state in ("submitted", "returned"):
        assert (
            policy.declaration_denial(mine, {**row, "review_status": state}, ["generated_t"])
            is None
        )
    accepted = {**row, "review_status": "accepted"}
    assert "accepted" in (policy.declaration_denial(mine, accepted, ["generated_t"]) or "")
    assert policy.declaration_denial(mine, accepted, ()) is not None  # nor deleted
    assert policy.declaration_denial(office, accepted, ["generated_t"]) is None
    for who in (mine, office):  # the review fields: nobody but the review
        for name in policy.REVIEW_FIELDS:
            assert policy.declaration_denial(who, None, [name]) is not None
    # a layer that is not declared has no such rule
    chemicals = policy.write_scope(STAFF, BY_ID["hazardous_chemicals"])
    assert chemicals is not None
    assert policy.declaration_denial(chemicals, None, ["review_status"]) is None


def test_a_write_leaves_the_review_the_policy_says() -> None:
    import datetime as dt

    waste = BY_ID["solid_waste"]
    mine = policy.write_scope(ENTERPRISE_A, waste)
    office = policy.write_scope(STAFF, waste)
    assert mine is not None and office is not None
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    returned = {"credit_code": A, "review_status": "returned", "review_reason": "wrong"}
    again = policy.review_on_write(mine, returned, "user:a", now)
    assert again == {
        "review_status": "submitted",
        "review_reason": None,
        "reviewed_by": None,
        "reviewed_at": None,
    }
    entered = policy.review_on_write(office, None, "user:staff", now)
    assert entered["review_status"] == "accepted" and entered["reviewed_at"] == now
    assert policy.review_on_write(office, returned, "user:staff", now) == {}  # kept as it was
    assert "reviewed_at" not in policy.review_on_write(office, None, "cli:ops", None)  # a load
    chemicals = policy.write_scope(STAFF, BY_ID["hazardous_chemicals"])
    assert chemicals is not None and policy.review_on_write(chemicals, None, "x", now) == {}


def test_only_the_office_reviews_declarations() -> None:
    assert policy.may_review(STAFF, BY_ID["solid_waste"])
    assert not policy.may_review(ENTERPRISE_A, BY_ID["solid_waste"])
    assert not policy.may_review(ANONYMOUS, BY_ID["solid_waste"])
    assert not policy.may_review(STAFF, BY_ID["hazardous_chemicals"])  # nothing declared there
