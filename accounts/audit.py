"""The audit trail: every write to a layer's table, by any path, recorded by the database.

Generic AFTER ... FOR EACH STATEMENT triggers write ``audit_log`` from the statement's
transition tables (the PostgreSQL wiki's audit-trigger pattern in its JSONB form, set-based:
a bulk load costs one INSERT ... SELECT per statement, not a function call per row).
Row-audited layers keep each row's before and after (an update that changes nothing is not
recorded); batch-audited layers (observations from devices) get one entry per statement with
its row count. Who wrote is taken from the transaction-local setting
``onemap.actor`` (``SET LOCAL`` semantics, so it works through a transaction-pooling pgbouncer),
else the database role. ``audit_log`` refuses UPDATE, DELETE and TRUNCATE.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from layers.spec import Layer

ACTOR_SETTING = "onemap.actor"
_ACTOR = f"COALESCE(NULLIF(current_setting('{ACTOR_SETTING}', true), ''), 'db:' || session_user)"

#: The trigger functions, created once (migration 0005).
FUNCTIONS = (
    f"""
CREATE OR REPLACE FUNCTION onemap_audit_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    who text := {_ACTOR};
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit_log (actor, layer, feature_id, action, "after")
        SELECT who, TG_TABLE_NAME, n.id, 'insert', to_jsonb(n) FROM new_rows n;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO audit_log (actor, layer, feature_id, action, "before", "after")
        SELECT who, TG_TABLE_NAME, c.id, 'update', c.b, c.a FROM (
            SELECT n.id, to_jsonb(o) AS b, to_jsonb(n) AS a
            FROM old_rows o JOIN new_rows n ON n.id = o.id
        ) c WHERE c.b IS DISTINCT FROM c.a;
    ELSE
        INSERT INTO audit_log (actor, layer, feature_id, action, "before")
        SELECT who, TG_TABLE_NAME, o.id, 'delete', to_jsonb(o) FROM old_rows o;
    END IF;
    RETURN NULL;
END $$""",
    f"""
CREATE OR REPLACE FUNCTION onemap_audit_batch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT count(*) INTO n FROM old_rows;
    ELSE
        SELECT count(*) INTO n FROM new_rows;
    END IF;
    IF n > 0 THEN
        INSERT INTO audit_log (actor, layer, action, "rows")
        VALUES ({_ACTOR}, TG_TABLE_NAME, lower(TG_OP), n);
    END IF;
    RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION onemap_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$""",
    """
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION onemap_audit_append_only()""",
    """
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION onemap_audit_append_only()""",
)


def trigger_names(layer: Layer) -> tuple[str, ...]:
    """The names of the audit triggers on ``layer``'s table."""
    if layer.audit not in ("row", "batch"):
        raise ValueError(f"unknown audit mode {layer.audit!r} of layer {layer.id}")
    return tuple(f"audit_{op}" for op in ("insert", "update", "delete"))


def trigger_statements(layer: Layer) -> list[str]:
    """The DDL attaching the audit triggers to ``layer``'s table (run by its migration)."""
    table = f'"{layer.id}"'
    function = "onemap_audit_rows" if layer.audit == "row" else "onemap_audit_batch"
    trigger_names(layer)  # checks the mode
    # a transition table belongs to one event: one trigger per operation
    return [
        f"CREATE TRIGGER audit_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER audit_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows "
        f"NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER audit_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]


def set_actor(connection: sa.Connection, actor: str) -> None:
    """Name who writes in this transaction (``user:LOGIN``, ``cli:USER``, ``hj212:listener``)."""
    connection.execute(
        sa.text("SELECT set_config(:name, :actor, true)"),
        {"name": ACTOR_SETTING, "actor": actor},
    )


def history(connection: sa.Connection, layer_id: str, feature_id: int) -> list[dict[str, Any]]:
    """A feature's audit entries, newest first, with the fields that changed."""
    rows = connection.execute(
        sa.text(
            "SELECT id, at, actor, action, before, after FROM audit_log "
            "WHERE layer = :layer AND feature_id = :fid ORDER BY id DESC"
        ),
        {"layer": layer_id, "fid": feature_id},
    ).mappings()
    out = []
    for row in rows:
        before, after = row["before"] or {}, row["after"] or {}
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        out.append(
            {
                "id": row["id"],
                "time": row["at"].isoformat(),
                "actor": row["actor"],
                "action": row["action"],
                "changed": [c for c in changed if c != "id"],
                "before": before or None,
                "after": after or None,
            }
        )
    return out


def dumps(entries: list[dict[str, Any]]) -> str:
    """JSON text of history entries (geometries are GeoJSON already)."""
    return json.dumps(entries, ensure_ascii=False, default=str)
