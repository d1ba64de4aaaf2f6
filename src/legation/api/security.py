"""Bearer tokens for the write routes: from ``LEGATION_TOKEN``, or generated at start and printed."""

from __future__ import annotations

import hmac
import os
import secrets

from fastapi import Request

from legation.api.problems import Problem
from legation.errors import InvalidValueError

TOKEN_ENV = "LEGATION_TOKEN"
MIN_TOKEN = 16
"""The shortest token `legation serve` accepts (a generated one has 43 characters)."""


def check_token(token: str, *, where: str = TOKEN_ENV) -> str:
    """``token`` if it is printable ASCII of at least `MIN_TOKEN` characters, else an
    `InvalidValueError` saying how to choose one."""
    how = "e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`, or unset it"
    if not (token.isascii() and token.isprintable()):
        raise InvalidValueError(
            f"{where} must be printable ASCII (HTTP headers carry nothing else); choose another ({how})"
        )
    if len(token) < MIN_TOKEN:
        raise InvalidValueError(
            f"{where} has {len(token)} characters; a write token needs at least {MIN_TOKEN} ({how})"
        )
    return token


def server_token() -> tuple[str, bool]:
    """The token and whether it was generated (so the server prints it); a token given in
    ``LEGATION_TOKEN`` that is too short or not ASCII is refused."""
    given = os.environ.get(TOKEN_ENV, "").strip()
    if given:
        return check_token(given), False
    return secrets.token_urlsafe(32), True


def require_token(request: Request) -> None:
    """A dependency of every write route: 401 unless ``Authorization: Bearer <token>`` matches.
    Runs before the request's body is read."""
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    expected: str = request.app.state.token
    # compared as bytes: the header as it came (Starlette decodes it as Latin-1), the token as UTF-8;
    # a non-ASCII header is a wrong token, never a TypeError
    if (
        scheme.lower() != "bearer"
        or not given.strip()
        or not hmac.compare_digest(given.strip().encode("latin-1"), expected.encode("utf-8"))
    ):
        raise Problem(
            401,
            "this route writes to the ledger: send `Authorization: Bearer <token>` with the token "
            f"`legation serve` printed at start (or set {TOKEN_ENV})",
            slug="token-required",
        )
