"""The clue workflow (Jiangsu 7.8.2): registered → assigned → handling → answered → revisited
→ closed (销号), or from the revisit back to handling when the answer does not hold."""

from __future__ import annotations

from accounts.policy import Party
from cases.spec import CaseType, Transition
from layers.clues import LAYER

OFFICE, SUBJECT = Party.OFFICE, Party.SUBJECT

CLUES = CaseType(
    layer=LAYER,
    initial="registered",
    number_prefix="XS",
    deadline_field="deadline",
    creatable=(
        "source",
        "credit_code",
        "industry",
        "clue_type",
        "occurred_at",
        "description",
        "handler",
        "deadline",
        "exceedance_id",
    ),
    transitions=(
        Transition(
            "assign",
            "交办",
            "Assign",
            ("registered",),
            "assigned",
            OFFICE,
            sets=("credit_code", "handler", "deadline"),
            required=("credit_code", "deadline"),
        ),
        Transition("accept", "签收办理", "Start handling", ("assigned",), "handling", SUBJECT),
        Transition(
            "answer", "答复", "Answer", ("handling",), "answered", SUBJECT, comment_required=True
        ),
        Transition("revisit", "回访", "Revisit", ("answered",), "revisited", OFFICE),
        Transition(
            "reopen",
            "退回重办",
            "Return to handling",
            ("revisited",),
            "handling",
            OFFICE,
            sets=("deadline",),
            comment_required=True,
        ),
        Transition("close", "销号", "Close off", ("revisited",), "closed", OFFICE),
    ),
)
