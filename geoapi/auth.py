"""Who is asking: the principal of each request, and the sign-in routes of the page.

Credentials accepted (what QGIS and GDAL can send, and the page's cookie):

* ``Authorization: Bearer om_…`` — an API token (``onemap tokens create``);
* ``Authorization: Basic`` with a login and its password, or a login and one of its tokens;
* the ``onemap_session`` cookie set by ``POST /login`` (HttpOnly, SameSite=Lax, Secure over
  HTTPS); state-changing requests made with it must repeat its CSRF token in ``X-CSRF-Token``.

Requests with none are anonymous and cost nothing here. Wrong credentials are a 401, never a
silent fall-back to anonymous. Checked credentials are remembered per process for a short
time (:data:`TOKEN_TTL_S`, :data:`PASSWORD_TTL_S`) under a SHA-256 of the header, never in
clear, so a client paging through a layer is not checked against the database on every page:
a revoked token or a disabled account stops working within that time everywhere, at once in
the process that revoked it.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import Engine

from accounts import passwords, sessions, store, throttle
from accounts.errors import BadCredentials, Throttled
from accounts.principal import ANONYMOUS, Principal
from monitoring.events import announce_forget

SESSION_COOKIE = "onemap_session"
#: A cookie holding no secret, readable by the page's script, saying that a session may exist:
#: the page asks ``/me`` only then (an anonymous visit makes no request that answers 401).
SIGNED_IN_COOKIE = "onemap_signed_in"
CSRF_HEADER = "X-CSRF-Token"
#: Sent by the one-map page's own requests: a 401 then carries no Basic challenge, which would
#: make the browser pop up its own sign-in dialog.
PAGE_HEADER = "X-Onemap-Page"
TOKEN_TTL_S = 5.0
PASSWORD_TTL_S = 60.0
_CACHE_MAX = 10_000
_cache: dict[str, tuple[Principal, float]] = {}
_lock = threading.Lock()


class Unauthorized(Exception):
    """Credentials were given and are wrong (401), or sign-in is throttled (429)."""

    def __init__(self, message: str, status: int = 401, retry_after_s: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after_s = retry_after_s


def engine() -> Engine:
    """The app's pooled engine (set by the app factory)."""
    return current_app.config["ONEMAP_ENGINE"]  # type: ignore[no-any-return]


def _remembered(key: str) -> Principal | None:
    with _lock:
        hit = _cache.get(key)
    if hit is not None and hit[1] > time.monotonic():
        return hit[0]
    return None


def _remember(key: str, principal: Principal, ttl_s: float) -> Principal:
    with _lock:
        if len(_cache) >= _CACHE_MAX:
            _cache.clear()
        _cache[key] = (principal, time.monotonic() + ttl_s)
    return principal


def forget(key: str) -> None:
    """Drop one remembered credential of this process (its cache key)."""
    with _lock:
        _cache.pop(key, None)


def forget_all() -> None:
    """Drop every remembered credential of this process (after revoking or disabling)."""
    with _lock:
        _cache.clear()


def _address() -> str:
    return request.remote_addr or "unknown"


def _password_principal(login: str, password: str) -> Principal:
    eng = engine()
    try:
        throttle.check(eng, login, _address())
    except Throttled as exc:
        raise Unauthorized(str(exc), 429, exc.retry_after_s) from None
    try:
        principal = store.principal_for_password(eng, login, password)
    except BadCredentials as exc:
        throttle.record_failure(eng, login, _address())
        raise Unauthorized(str(exc)) from None
    throttle.clear(eng, login)
    return principal


def _token_principal(token: str, login: str | None = None) -> Principal:
    try:
        principal = store.principal_for_token(engine(), token)
    except BadCredentials as exc:
        raise Unauthorized(str(exc)) from None
    if login is not None and principal.login != login:
        raise Unauthorized("令牌不属于该用户 / the token belongs to another login")
    return principal


def _from_authorization(header: str) -> Principal:
    key = "h:" + passwords.digest(header)
    if (hit := _remembered(key)) is not None:
        return hit
    scheme, _, value = header.partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer":
        return _remember(key, _token_principal(value.strip()), TOKEN_TTL_S)
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
            login, _, secret = decoded.partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise Unauthorized("Basic 认证格式错误 / malformed Basic credentials") from None
        if store.TOKEN.match(secret):
            return _remember(key, _token_principal(secret, login), TOKEN_TTL_S)
        return _remember(key, _password_principal(login, secret), PASSWORD_TTL_S)
    raise Unauthorized(
        f"不支持的认证方式 / unsupported Authorization scheme {scheme!r}: use Bearer or Basic"
    )


def _from_cookie(cookie: str) -> Principal:
    key = "s:" + passwords.digest(cookie)
    if (hit := _remembered(key)) is not None:
        return hit
    try:
        principal = sessions.resolve(engine(), cookie)
    except BadCredentials as exc:
        raise Unauthorized(str(exc)) from None
    return _remember(key, principal, TOKEN_TTL_S)


def resolve() -> Principal:
    """The principal of the current request (:class:`Unauthorized` for wrong credentials)."""
    header = request.headers.get("Authorization")
    if header:
        return _from_authorization(header)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return _from_cookie(cookie)
    return ANONYMOUS


def current_principal() -> Principal:
    """The principal the guard resolved for this request (anonymous outside a request)."""
    if not has_request_context():
        return ANONYMOUS
    return g.get("principal", ANONYMOUS)  # type: ignore[no-any-return]


def challenge(response: Response) -> Response:
    """Add the ``WWW-Authenticate`` challenge of a 401 (no Basic one for the page's requests)."""
    if response.status_code == 401:
        schemes = ['Bearer realm="onemap"']
        if not request.headers.get(PAGE_HEADER):
            schemes.append('Basic realm="onemap", charset="UTF-8"')
        response.headers["WWW-Authenticate"] = ", ".join(schemes)
    return response


def _json(body: dict[str, Any], status: int = 200) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False), status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _error(message: str, status: int, code: str = "InvalidParameterValue") -> Response:
    return _json({"code": code, "description": message}, status)


def _same_origin() -> bool:
    """A browser's sign-in form must come from this site (login CSRF); other clients send no
    Origin."""
    origin = request.headers.get("Origin")
    return origin is None or origin.rstrip("/") == request.host_url.rstrip("/")


def install(app: Flask) -> None:
    """``POST /login``, ``POST /logout`` and ``GET /me``."""

    @app.post("/login")
    def login() -> Response:
        if not _same_origin():
            return _error("跨站登录被拒绝 / sign-in from another site refused", 403, "Forbidden")
        data = request.get_json(silent=True) if request.is_json else request.form
        if not isinstance(data, dict) and not hasattr(data, "get"):
            return _error("请提供登录名和密码 / give login and password", 400)
        user, secret = str(data.get("login") or ""), str(data.get("password") or "")
        if not user or not secret:
            return _error("请提供登录名和密码 / give login and password", 400)
        try:
            principal = _password_principal(user, secret)
        except Unauthorized as exc:
            response = _error(exc.message, exc.status, "Unauthorized")
            if exc.retry_after_s:
                response.headers["Retry-After"] = str(exc.retry_after_s)
            return response
        cookie, csrf = sessions.create(engine(), user)
        body = {**principal.as_json(), "csrf_token": csrf}
        response = _json(body)
        response.set_cookie(
            SESSION_COOKIE,
            cookie,
            max_age=sessions.session_hours() * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
            path="/",
        )
        response.set_cookie(
            SIGNED_IN_COOKIE,
            "1",
            max_age=sessions.session_hours() * 3600,
            samesite="Lax",
            secure=request.is_secure,
            path="/",
        )
        return response

    @app.post("/logout")
    def logout() -> Response:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            key = "s:" + passwords.digest(cookie)
            sessions.end(engine(), cookie)
            forget(key)
            with engine().begin() as connection:  # and in every other app server
                announce_forget(connection, key)
        response = _json({"signed_out": True})
        response.delete_cookie(SESSION_COOKIE, path="/")
        response.delete_cookie(SIGNED_IN_COOKIE, path="/")
        return response

    @app.get("/me")
    def me() -> Response:
        principal = current_principal()
        if principal.anonymous:
            return challenge(_error("未登录 / not signed in", 401, "Unauthorized"))
        body = principal.as_json()
        if principal.via == "session":
            body["csrf_token"] = principal.csrf_token
        return _json(body)
