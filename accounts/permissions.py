"""Permissions and the shipped roles, in the style of ldproxy's permission groups.

A permission is ``ACTION:TARGET[:own]``:

* ``read:LAYER`` / ``read:*`` — every row and every field (private ones too) of a layer, or of
  every layer, internal ones included;
* ``write:LAYER`` / ``write:*`` — create, change and delete rows;
* ``:own`` narrows either to the rows of the user's own enterprises (``Layer.owner_field``);
  ``write:…:own`` applies only to layers the registry marks ``enterprise_writable``;
* ``manage:accounts`` — manage accounts, roles and tokens; ``history:*`` read change histories.

Everyone, anonymous included, reads the public layers without their private fields: that is the
``public`` role, and the floor of every other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from accounts.errors import BadPermission

ACTIONS = ("read", "write", "manage", "history")
_SHAPE = re.compile(r"^(read|write|manage|history):([a-z_][a-z0-9_]*|\*)(:own)?$")


@dataclass(frozen=True)
class Permission:
    """One grant: an action on a target (a layer id, ``*`` or ``accounts``), maybe own rows only."""

    action: str
    target: str
    own: bool = False

    @classmethod
    def parse(cls, text: str) -> Permission:
        """``read:enterprises:own`` → Permission('read', 'enterprises', own=True)."""
        match = _SHAPE.match(text.strip())
        if not match:
            raise BadPermission(
                f"权限格式错误 / bad permission {text!r}: use read|write|history:LAYER|* with an "
                "optional :own, or manage:accounts"
            )
        action, target, own = match.group(1), match.group(2), bool(match.group(3))
        if action == "manage" and (target != "accounts" or own):
            raise BadPermission(f"未知管理权限 / unknown permission {text!r}: manage:accounts")
        if action != "manage" and target == "accounts":
            raise BadPermission(f"未知图层 / {text!r}: 'accounts' is not a layer")
        return cls(action, target, own)

    def __str__(self) -> str:
        return f"{self.action}:{self.target}" + (":own" if self.own else "")

    def covers(self, action: str, layer_id: str) -> bool:
        """Whether this grant is ``action`` on ``layer_id`` (ignoring ``own``)."""
        return self.action == action and self.target in ("*", layer_id)


@dataclass(frozen=True)
class Role:
    """A named set of permissions."""

    name: str
    zh: str
    en: str
    permissions: tuple[Permission, ...]


def _role(name: str, zh: str, en: str, *grants: str) -> Role:
    return Role(name, zh, en, tuple(Permission.parse(g) for g in grants))


#: The roles every installation has (operators add their own with ``onemap roles add``).
SHIPPED_ROLES: tuple[Role, ...] = (
    _role("public", "公众", "Public"),
    _role("enterprise", "企业用户", "Enterprise", "read:*:own", "write:*:own"),
    _role(
        "staff",
        "园区环保人员",
        "Park environmental staff",
        "read:*",
        "write:*",
        "history:*",
    ),
    _role(
        "admin",
        "系统管理员",
        "Administrator",
        "read:*",
        "write:*",
        "history:*",
        "manage:accounts",
    ),
)
SHIPPED = {role.name: role for role in SHIPPED_ROLES}
