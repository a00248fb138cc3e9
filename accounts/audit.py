"""The audit trail: every write to a layer's table, by any path, recorded by the database.

One generic AFTER trigger per table writes ``audit_log`` (the PostgreSQL wiki's audit-trigger
pattern in its JSONB form): row-audited layers keep each row's before and after; batch-audited
layers (observations from devices) get one entry per statement with its row count, from the
statement's transition tables. Who wrote is taken from the transaction-local setting
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
CREATE OR REPLACE FUNCTION onemap_audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit_log (actor, layer, feature_id, action, "after")
        VALUES ({_ACTOR}, TG_TABLE_NAME, NEW.id, 'insert', to_jsonb(NEW));
        RETURN NEW;
    ELSIF TG_OP = 'UPDATE' THEN
        IF ROW(NEW.*) IS NOT DISTINCT FROM ROW(OLD.*) THEN
            RETURN NEW;
        END IF;
        INSERT INTO audit_log (actor, layer, feature_id, action, "before", "after")
        VALUES ({_ACTOR}, TG_TABLE_NAME, NEW.id, 'update', to_jsonb(OLD), to_jsonb(NEW));
        RETURN NEW;
    END IF;
    INSERT INTO audit_log (actor, layer, feature_id, action, "before")
    VALUES ({_ACTOR}, TG_TABLE_NAME, OLD.id, 'delete', to_jsonb(OLD));
    RETURN OLD;
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
    if layer.audit == "batch":
        return tuple(f"audit_{op}" for op in ("insert", "update", "delete"))
    return ("audit_row",)


def trigger_statements(layer: Layer) -> list[str]:
    """The DDL attaching the audit trigger(s) to ``layer``'s table (run by its migration)."""
    table = f'"{layer.id}"'
    if layer.audit == "row":
        return [
            f"CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION onemap_audit_row()"
        ]
    if layer.audit != "batch":
        raise ValueError(f"unknown audit mode {layer.audit!r} of layer {layer.id}")
    # a transition table belongs to one event: one trigger per operation
    return [
        f"CREATE TRIGGER audit_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION onemap_audit_batch()",
        f"CREATE TRIGGER audit_update AFTER UPDATE ON {table} REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION onemap_audit_batch()",
        f"CREATE TRIGGER audit_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION onemap_audit_batch()",
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
