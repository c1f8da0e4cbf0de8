"""The health check a load balancer calls: `/healthz` answers "ok" once the database does.

It is answered by the first middleware, before any other runs: the load balancer calls each
server over plain HTTP on the private network, by the server's own address, so the check
must not meet the HTTPS redirect, the allowed-hosts check, sessions, sign-in or the sign-in
throttle. It reads nothing but `SELECT 1` and says nothing but "ok" or "unavailable".
"""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseNotAllowed

PATH = "/healthz"

logger = logging.getLogger(__name__)


def _answer(text: str, status: int) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def health(request) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # The error's class only: its message can carry the database's address and user.
        logger.warning("Health check: the database did not answer (%s).", type(error).__name__)
        return _answer("unavailable", 503)
    return _answer("ok", 200)


class HealthCheckMiddleware:
    """Answers /healthz itself; every other request goes on as usual. First in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH:
            return health(request)
        return self.get_response(request)
