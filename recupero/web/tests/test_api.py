"""The JSON API: same selectors as the pages, so a creditor's user cannot reach another creditor's case."""

import pytest

from recupero.core.domain.roles import Role
from tests.factories import TAX_CODES, make_case, make_creditor, make_debtor, make_user

pytestmark = pytest.mark.django_db


def test_api_scopes_cases_to_the_creditor_user(client, tenant):
    energy = make_creditor(tenant, "EN")
    telco = make_creditor(tenant, "TEL", sector="telco", vat="02182030391")
    debtor = make_debtor(tenant, TAX_CODES[1], last_name="Bianchi", first_name="Laura")
    own = make_case(tenant, energy, debtor, amounts=("100.00", "20.35"))
    other = make_case(tenant, telco, debtor)
    user = make_user(tenant, Role.CREDITOR_USER, creditor=energy)
    client.force_login(user)
    listed = client.get("/api/cases", {"q": TAX_CODES[1]}).json()
    assert [c["code"] for c in listed] == [own.code]
    detail = client.get(f"/api/cases/{own.pk}").json()
    assert detail["balance"] == "120.35"
    assert [c["amount"] for c in detail["claims"]] == ["100.00", "20.35"]
    refused = client.get(f"/api/cases/{other.pk}")
    assert refused.status_code == 404
    assert refused.json()["code"] == "auth.not_found"


def test_api_requires_login(client):
    assert client.get("/api/cases").status_code == 401
