"""Bearer tokens for the write routes: from ``LEGATION_TOKEN``, or generated at start and printed."""

from __future__ import annotations

import hmac
import os
import secrets

from fastapi import Request

from legation.api.problems import Problem

TOKEN_ENV = "LEGATION_TOKEN"


def server_token() -> tuple[str, bool]:
    """The token and whether it was generated (so the server prints it)."""
    given = os.environ.get(TOKEN_ENV, "").strip()
    if given:
        return given, False
    return secrets.token_urlsafe(32), True


def require_token(request: Request) -> None:
    """A dependency of every write route: 401 unless ``Authorization: Bearer <token>`` matches."""
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    expected: str = request.app.state.token
    if scheme.lower() != "bearer" or not given or not hmac.compare_digest(given.strip(), expected):
        raise Problem(
            401,
            "this route writes to the ledger: send `Authorization: Bearer <token>` with the token "
            f"`legation serve` printed at start (or set {TOKEN_ENV})",
            slug="token-required",
        )
