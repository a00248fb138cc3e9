"""Accounts, roles, API tokens, the access policy and the audit trail.

``accounts.policy`` is the one place that decides who may read or write what; every route of
the app asks it. Layers declare their access, private fields, owner field and writability in
the registry (``layers``); this package turns those declarations and a user's role into
decisions and SQL.
"""
