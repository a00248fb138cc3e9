"""Password hashing with Argon2id (argon2-cffi), and the secrets of tokens and sessions.

Passwords: Argon2id at argon2-cffi's RFC 9106 low-memory profile (t=3, 64 MiB, p=4), above
OWASP's floor (19 MiB, t=2, p=1). Tokens and session ids are 256-bit random secrets: a single
SHA-256 is enough to store them (nothing to brute-force), and it keeps per-request checks cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password`` (PHC string, salt included)."""
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; False for token-only accounts."""
    if not stored_hash:
        # spend the same time as a real check, so a missing account is not told apart
        _HASHER.verify(_dummy_hash(), "not the password" if password else "x")
        return False
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """None when ``password`` is acceptable, else why not."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return (
            f"密码至少{MIN_PASSWORD_LENGTH}位 / a password needs at least "
            f"{MIN_PASSWORD_LENGTH} characters"
        )
    return None


def new_secret() -> str:
    """A URL-safe random secret of 256 bits."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """The SHA-256 hex digest under which a token or session secret is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets or digests."""
    return hmac.compare_digest(a.encode(), b.encode())


def generate_password() -> str:
    """A password for a generated account (printed once): 20 URL-safe characters."""
    return secrets.token_urlsafe(15)


@cache
def _dummy_hash() -> str:
    return _HASHER.hash("onemap-dummy-password")
