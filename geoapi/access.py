"""The policy's answers for the current request: what the user reads of a layer, which
collections exist for them. Views and the pygeoapi provider ask here, never decide themselves."""

from __future__ import annotations

from flask import g, has_request_context

from accounts import policy
from accounts.policy import ReadView, WriteScope
from geoapi.auth import current_principal
from geoapi.errors import NotFound
from geoapi.query import collection_layers
from layers.spec import Layer


def view_of(layer: Layer) -> ReadView:
    """What the current user reads of ``layer``; :class:`NotFound` when it is not theirs to see
    (the guard has refused such requests already; this keeps every path honest).

    Outside a request (pygeoapi describing collections for the OpenAPI document, which is
    filtered per user when served) a layer's public fields are described.
    """
    if not has_request_context():
        return ReadView(layer, policy.public_fields(layer), f'"{layer.id}"', personal=False)
    view = policy.read_view(current_principal(), layer)
    if view is None:
        raise NotFound(f"未知集合 / unknown collection {layer.id!r}")
    return view


def readable_ids() -> frozenset[str]:
    """The collections that exist for the current user (cached for the request)."""
    if has_request_context() and "readable_ids" in g:
        return g.readable_ids  # type: ignore[no-any-return]
    principal = current_principal()
    ids = frozenset(layer.id for layer in collection_layers() if policy.may_read(principal, layer))
    if has_request_context():
        g.readable_ids = ids
    return ids


def scope_of(layer: Layer) -> WriteScope | None:
    """The rows of ``layer`` the current user may write, or None."""
    return policy.write_scope(current_principal(), layer)
