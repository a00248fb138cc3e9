"""Who is asking: the signed-in user (or nobody), as the policy sees them."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.permissions import Permission


@dataclass(frozen=True)
class Principal:
    """A user as resolved for one request.

    ``via`` is how they signed in: ``anonymous``, ``token`` (bearer or Basic with a token),
    ``password`` (Basic with a password) or ``session`` (the page's cookie). ``csrf_token`` is
    set for a session: state-changing requests with the cookie must repeat it.
    """

    login: str | None
    role: str
    permissions: frozenset[Permission] = frozenset()
    enterprises: tuple[str, ...] = ()
    via: str = "anonymous"
    csrf_token: str | None = field(default=None, repr=False)
    token_id: str | None = None

    @property
    def anonymous(self) -> bool:
        return self.login is None

    def grants(self, action: str, layer_id: str) -> tuple[Permission, ...]:
        """The permissions of this principal that are ``action`` on ``layer_id``."""
        return tuple(p for p in self.permissions if p.covers(action, layer_id))

    def may_manage_accounts(self) -> bool:
        return any(p.action == "manage" for p in self.permissions)

    def as_json(self) -> dict[str, object]:
        """What ``GET /me`` returns."""
        return {
            "login": self.login,
            "role": self.role,
            "enterprises": list(self.enterprises),
            "permissions": sorted(str(p) for p in self.permissions),
        }


ANONYMOUS = Principal(login=None, role="public")
