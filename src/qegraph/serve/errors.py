"""The one exception the serving parts raise for an HTTP error answer."""

from __future__ import annotations

__all__ = ["Refusal"]


class Refusal(Exception):
    """An HTTP error answer: status, a one-line message, extra headers.

    >>> Refusal(403, "updates are refused").status
    403
    """

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
