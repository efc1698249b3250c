"""No id or page the client can type gives a 500: every URL pattern with a parameter and every API operation
with an integer parameter is called with 0, -1 and 99999999999999999999 (beyond the database's bigint).

The patterns come from the resolver and the operations from the OpenAPI schema, so a new URL is walked without
editing this test; a new `<int:…>` route fails it (use `<id:…>`, bounded to the database's bigint).
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from recupero.core.domain.roles import Role
from recupero.web.api.router import api
from tests.factories import make_user

pytestmark = pytest.mark.django_db

HOSTILE = ("0", "-1", "99999999999999999999")
_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
# Non-id string parameters of our own routes take a value that reaches the view.
_PLAIN_VALUES = {"fmt": "csv"}


def _routes(patterns=None, prefix: str = ""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield route, p


def _fill(route: str, value: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match["name"]
        return _PLAIN_VALUES.get(name, value)

    return "/" + _PARAM.sub(one, route).lstrip("^").rstrip("$")


def _routes_with_params() -> list[str]:
    return sorted({route for route, _p in _routes() if _PARAM.search(route)})


def test_no_route_uses_the_unbounded_int_converter():
    unbounded = [
        route
        for route, pattern in _routes()
        if any(isinstance(c, IntConverter) for c in getattr(pattern.pattern, "converters", {}).values())
    ]
    assert unbounded == [], "usare <id:…> (limitato al bigint del database) invece di <int:…>"


def test_every_route_with_a_parameter_answers_hostile_ids_without_500(client, tenant):
    routes = _routes_with_params()
    assert len(routes) >= 10  # the walk found the back-office, admin and API routes
    admin = make_user(tenant, Role.ADMIN, username="bounds-admin")
    root = make_user(tenant, Role.ADMIN, username="bounds-root")
    root.is_superuser = root.is_staff = True  # the Django admin's own object look-ups are walked too
    root.save()
    failures = []
    for user in (admin, root):
        client.force_login(user)
        for route in routes:
            for value in HOSTILE:
                url = _fill(route, value)
                for method in (client.get, client.post):
                    status = method(url).status_code
                    if status >= 500:
                        failures.append((user.username, method.__name__, url, status))
    assert failures == []


def _api_operations() -> list[tuple[str, str, list[tuple[str, str]]]]:
    schema = api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            ints = [
                (p["in"], p["name"])
                for p in op.get("parameters", [])
                if p.get("schema", {}).get("type") == "integer"
                or any(s.get("type") == "integer" for s in p.get("schema", {}).get("anyOf", []))
            ]
            if ints:
                found.append((method, path, ints))
    return found


def test_every_api_integer_parameter_gives_404_or_422_with_an_italian_message(client, tenant):
    operations = _api_operations()
    assert {(m, p) for m, p, _ in operations} >= {("get", "/api/cases"), ("get", "/api/cases/{case_id}")}
    client.force_login(make_user(tenant, Role.ADMIN))
    for method, path, params in operations:
        for where, name in params:
            for value in HOSTILE:
                url = path.replace("{" + name + "}", value) if where == "path" else path
                url = re.sub(r"\{[^}]+\}", "1", url)
                query = {name: value} if where == "query" else {}
                if method == "get":
                    response = client.get(url, query)
                else:
                    response = client.generic(
                        method.upper(), url + ("?" + f"{name}={value}" if query else "")
                    )
                assert response.status_code in (404, 422), (method, url, query, response.status_code)
                body = response.json()
                assert body["code"] in ("auth.not_found", "request.invalid"), body


def test_api_page_out_of_range_is_422_with_the_field_named_in_italian(client, tenant):
    client.force_login(make_user(tenant, Role.ADMIN))
    response = client.get("/api/cases", {"page": "99999999999999999999"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "request.invalid"
    assert body["message"] == "Richiesta non valida: page deve essere al massimo 100000."
    assert body["fields"] == [
        {"field": "page", "message": "deve essere al massimo 100000", "type": "less_than_equal"}
    ]
    zero = client.get("/api/cases", {"page": "0"}).json()
    assert zero["message"] == "Richiesta non valida: page deve essere almeno 1."
    word = client.get("/api/cases", {"page": "due"}).json()
    assert word["message"] == "Richiesta non valida: page deve essere un numero intero."
    assert client.get("/api/cases", {"page": "100000"}).json() == []


def test_api_huge_ids_are_not_found(client, tenant):
    client.force_login(make_user(tenant, Role.ADMIN))
    for url in ("/api/cases/99999999999999999999", "/api/cases/0", "/api/imports/99999999999999999999"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "auth.not_found"


def test_backoffice_huge_ids_are_404(client, tenant):
    client.force_login(make_user(tenant, Role.ADMIN))
    assert client.get("/pratiche/99999999999999999999/").status_code == 404
    assert client.get("/pratiche/9223372036854775808/").status_code == 404  # 2**63: one past bigint
    assert client.get("/pratiche/9223372036854775807/").status_code == 404  # in range, no such case
    assert client.get("/pratiche/", {"page": "99999999999999999999"}).status_code == 200
