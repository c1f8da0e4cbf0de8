"""/healthz, which the load balancer calls on each server."""

import socket

import pytest
from django.db import connections
from django.db.utils import load_backend


def test_it_answers_ok_once_the_database_answers(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies, "no session or CSRF cookie"


def test_a_head_request_is_answered_too(client, db):
    assert client.head("/healthz").status_code == 200


def test_the_load_balancer_calls_it_over_http_by_the_servers_address(client, db, settings):
    """Neither the HTTPS redirect nor the allowed hosts stand in its way; sign-in never does."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["cap.example.gov.uk"]
    response = client.get("/healthz", HTTP_HOST="10.0.3.7:8000")
    assert (response.status_code, response.content) == (200, b"ok")
    # Every other page still redirects to HTTPS and checks the host.
    assert client.get("/", HTTP_HOST="cap.example.gov.uk").status_code == 301
    assert client.get("/", HTTP_HOST="10.0.3.7:8000").status_code == 400


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_reads(client, db, method):
    response = getattr(client, method)("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def unreachable_database(tmp_path, django_db_blocker):
    """The default connection pointed at a database that is not there: a folder that does
    not exist for SQLite, a closed port for PostgreSQL."""
    settings_dict = dict(connections["default"].settings_dict)
    if connections["default"].vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "cap.sqlite3")
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    broken = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    working = connections["default"]
    connections["default"] = broken
    try:
        with django_db_blocker.unblock():
            yield
    finally:
        connections["default"] = working
        broken.close()


def test_it_answers_503_when_the_database_cannot_be_reached(client, unreachable_database, caplog):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert "Health check: the database did not answer (OperationalError)." in caplog.messages
