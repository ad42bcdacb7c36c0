"""Telegram Bot API errors, with the exact descriptions the real server answers."""

from __future__ import annotations

from typing import Any

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
CONFLICT_GET_UPDATES = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)


class ApiError(Exception):
    """A Bot API failure answered as {"ok": false, "error_code": ..., "description": ...}."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        """Returns the JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    """Returns a 400 error with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    """Returns a 403 error with Telegram's "Forbidden: " prefix."""
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    """Returns a 429 error carrying parameters.retry_after."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


def unauthorized() -> ApiError:
    """Returns the 401 Telegram gives for a token it does not know."""
    return ApiError(401, "Unauthorized")


def not_found() -> ApiError:
    """Returns the 404 Telegram gives for an unknown method."""
    return ApiError(404, "Not Found")


def server_error(code: int) -> ApiError:
    """Returns a 5xx error in Telegram's JSON shape."""
    descriptions = {
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }
    return ApiError(code, descriptions.get(code, "Internal Server Error"))


_NGINX_TITLES = {502: "502 Bad Gateway", 504: "504 Gateway Time-out"}


def nginx_error_page(code: int) -> str:
    """Returns the HTML page Telegram's nginx front end serves when the API behind it fails."""
    title = _NGINX_TITLES.get(code, f"{code} Internal Server Error")
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
        "</body>\r\n</html>\r\n"
    )


class ControlError(Exception):
    """A refusal of the control API, answered as {"error": ...} with an HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
