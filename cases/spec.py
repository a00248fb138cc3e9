"""The frozen declarations a case type is written in, as ``layers.spec`` is for layers.

A :class:`CaseType` names its layer (the table, the OGC API collection, the map layer), its
states, the state a new case starts in, and its transitions: from which states each may be made,
the state it leads to, which :class:`~accounts.policy.Party` makes it, and which fields it sets
(some of them required). The API routes, the history, the page's buttons and the tests are all
derived from these declarations; the permission itself is ``accounts.policy.may_act``'s answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.policy import Party
from layers.spec import Layer


@dataclass(frozen=True)
class Transition:
    """One step a case may take.

    ``sets`` are the case fields the transition's body may carry (``required`` of them must
    be given, or be set already; ``renewed`` ones must be given anew, as a reopened case's new
    deadline); ``comment_required`` asks for a comment (an answer says what was done).
    """

    name: str
    zh: str
    en: str
    sources: tuple[str, ...]
    target: str
    party: Party
    sets: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    renewed: tuple[str, ...] = ()
    comment_required: bool = False
    #: time fields set to the moment of the transition (a weather response's answered_at)
    stamps: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        """The transition as the API lists it."""
        return {
            "name": self.name,
            "zh": self.zh,
            "en": self.en,
            "from": list(self.sources),
            "to": self.target,
            "party": str(self.party),
            "sets": list(self.sets),
            "required": list(self.required),
            "renewed": list(self.renewed),
            "comment_required": self.comment_required,
        }


@dataclass(frozen=True)
class CaseType:
    """One kind of case: a layer with a ``state`` field and the transitions between states.

    ``number_prefix`` starts each case number (``XS20261203-4F2A91``); ``deadline_field`` names
    the field holding the case's deadline, if any.
    """

    layer: Layer
    initial: str
    transitions: tuple[Transition, ...]
    number_prefix: str
    deadline_field: str | None = None
    #: the fields a new case may be given (the rest are derived or set by transitions)
    creatable: tuple[str, ...] = ()
    #: a boolean field recording whether a stamping transition came after the deadline
    late_field: str | None = None

    @property
    def id(self) -> str:
        return self.layer.id

    @property
    def states(self) -> tuple[str | int, ...]:
        return self.layer.field("state").choice_values

    def transition(self, name: str) -> Transition | None:
        """The transition called ``name``, if the type has one."""
        return next((t for t in self.transitions if t.name == name), None)

    def allowed_from(self, state: str) -> tuple[Transition, ...]:
        """The transitions the state ``state`` allows."""
        return tuple(t for t in self.transitions if state in t.sources)

    def state_title(self, state: str) -> str:
        """``已交办 / Assigned``."""
        c = next(c for c in self.layer.field("state").choices if c.value == state)
        return f"{c.zh} / {c.en}"
