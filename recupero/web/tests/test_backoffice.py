"""The back-office pages: who sees what, search and filters, exact amounts, htmx partials, audit."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from recupero.core.accounts import otp_current_code, otp_pending_device
from recupero.core.models import AuditLog
from recupero.web.templatetags.money import format_euro
from recupero.web.tests.factories import CF_ROSSI, PASSWORD, VAT_FERRO

pytestmark = pytest.mark.django_db

LIST = reverse("backoffice:case_list")


def codes_in(response) -> set[str]:
    """The case codes listed in the results table."""
    return set(re.findall(r'<td class="code[^"]*"><a href="[^"]+">(P\d{8})</a>', response.content.decode()))


def expected(world, *names) -> set[str]:
    return {world.cases[n].code for n in names}


# ------------------------------------------------------------------ login and layout


def test_login_page_and_login_works(client, world):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and "Accedi" in page.content.decode()
    bad = client.post(reverse("login"), {"username": "admin", "password": "sbagliata"})
    assert "Nome utente o password non corretti" in bad.content.decode()
    good = client.post(reverse("login"), {"username": "admin", "password": PASSWORD})
    assert good.status_code == 302 and good.url == reverse("backoffice:home")
    # An administrator must enrol an authenticator first (the second step: test_accounts.py).
    enrol = client.get(good.url)
    assert enrol.status_code == 302 and enrol.url == reverse("otp_enrol") + "?next=%2F"
    client.get(enrol.url)
    device = otp_pending_device(world.users["admin"])
    done = client.post(enrol.url, {"code": otp_current_code(device), "next": "/"})
    assert done.status_code == 302 and done.url == "/"
    home = client.get(good.url).content.decode()
    assert "Anna Amministratori" in home and "Amministratore" in home and world.tenant.name in home
    assert 'href="/admin/"' in home  # the admin link for admins


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(LIST)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_logout_is_a_post(login, world):
    client = login(world.users["collector"])
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(LIST).status_code == 302


def test_nav_follows_the_role(login, world):
    html = login(world.users["collector"]).get(reverse("backoffice:home")).content.decode()
    assert "Pratiche" in html and "/committenti/" not in html and "/admin/" not in html


def test_home_counts_visible_cases_per_status(login, world):
    html = login(world.users["energia_user"]).get(reverse("backoffice:home")).content.decode()
    # Energia has two cases, both new.
    assert re.search(r'status=new">.*?<span class="kpi-value"[^>]*>2</span>', html, re.S)
    assert re.search(r'Pratiche aperte</span>\s*<span class="kpi-value"[^>]*>2</span>', html)


# ------------------------------------------------------------------ who sees what


def test_admin_sees_every_case_of_the_agency_only(login, world):
    response = login(world.users["admin"]).get(LIST)
    assert codes_in(response) == expected(world, *world.cases)


def test_creditor_user_sees_only_own_cases_and_creditor(login, world):
    client = login(world.users["energia_user"])
    response = client.get(LIST)
    assert codes_in(response) == expected(world, "rossi_ene", "bianchi_ene")
    html = response.content.decode()
    assert "Energia Nord S.p.A." in html and "TeleSud" not in html  # not even in the creditor filter


def test_creditor_user_cannot_open_another_creditors_case_or_creditor(login, world):
    client = login(world.users["energia_user"])
    response = client.get(reverse("backoffice:case_detail", args=[world.cases["ferro_tel"].pk]))
    assert response.status_code == 404 and "Pagina non trovata" in response.content.decode()
    assert client.get(reverse("backoffice:creditor_detail", args=[world.telco.pk])).status_code == 404
    assert client.get(reverse("backoffice:creditor_detail", args=[world.energia.pk])).status_code == 200


def test_creditor_user_cannot_find_another_creditors_case_by_search(login, world):
    client = login(world.users["energia_user"])
    assert codes_in(client.get(LIST, {"q": VAT_FERRO})) == set()
    assert codes_in(client.get(LIST, {"q": world.cases["ferro_tel"].code})) == set()
    assert codes_in(client.get(LIST, {"q": "TC-77"})) == set()
    # Rossi owes both creditors: the energy user finds only the energy case.
    assert codes_in(client.get(LIST, {"q": CF_ROSSI})) == expected(world, "rossi_ene")
    # Nor through the creditor filter.
    assert codes_in(client.get(LIST, {"creditor": world.telco.pk})) == expected(
        world, "rossi_ene", "bianchi_ene"
    )


def test_consultant_sees_assigned_creditors_and_lawyer_legal_cases(login, world):
    assert codes_in(login(world.users["consultant"]).get(LIST)) == expected(world, "rossi_ene", "bianchi_ene")
    assert codes_in(login(world.users["lawyer"]).get(LIST)) == expected(world, "rossi_tel")


def test_other_agencys_case_is_not_found(login, world):
    client = login(world.users["admin"])
    assert client.get(reverse("backoffice:case_detail", args=[world.other_case.pk])).status_code == 404
    # Case codes are numbered per agency: compare by link, not by code.
    html = client.get(LIST, {"q": CF_ROSSI}).content.decode()
    assert f'/pratiche/{world.other_case.pk}/"' not in html and "Energia Altrove" not in html


def test_collector_may_not_open_creditor_pages(login, world):
    client = login(world.users["collector"])
    response = client.get(reverse("backoffice:creditor_list"))
    assert response.status_code == 403 and "Accesso non consentito" in response.content.decode()
    assert client.get(reverse("backoffice:creditor_detail", args=[world.energia.pk])).status_code == 403


def test_creditor_list_shows_only_visible_creditors(login, world):
    html = login(world.users["telco_user"]).get(reverse("backoffice:creditor_list")).content.decode()
    assert "TeleSud S.r.l." in html and "Energia Nord" not in html
    html = login(world.users["supervisor"]).get(reverse("backoffice:creditor_list")).content.decode()
    assert "TeleSud S.r.l." in html and "Energia Nord" in html and "Energia Altrove" not in html


# ------------------------------------------------------------------ search and filters


@pytest.mark.parametrize(
    ("query", "names"),
    [
        (CF_ROSSI, {"rossi_ene", "rossi_tel"}),
        (CF_ROSSI.lower(), {"rossi_ene", "rossi_tel"}),
        (VAT_FERRO, {"ferro_tel"}),
        ("FT-2024/0002", {"bianchi_ene"}),
        ("ross", {"rossi_ene", "rossi_tel"}),
        ("Verdi", {"verdi_tel"}),
        ("ferro costr", {"ferro_tel"}),
        ("nessuno", set()),
        # A name in either order; a rotation never finds a debtor the typed order does not name.
        ("Mario Rossi", {"rossi_ene", "rossi_tel"}),
        ("mario  ROSSI", {"rossi_ene", "rossi_tel"}),
        ("Rossi Mario", {"rossi_ene", "rossi_tel"}),
        ("Giuseppe Verdi", {"verdi_tel"}),
        ("Laura Rossi", set()),
        ("Costruzioni S.r.l. Ferro", {"ferro_tel"}),
        # Any part of an invoice number a person types: the number before the slash, the tail, no zeros.
        ("77", {"ferro_tel"}),
        ("0002", {"bianchi_ene"}),
        ("2", {"bianchi_ene"}),
        ("2024", {"rossi_ene", "bianchi_ene"}),
        ("2024/2", {"bianchi_ene"}),
        ("FT 2024 0001", {"rossi_ene"}),
        ("2023", set()),
        ("Rossi 2024", set()),  # a name with a year is not a piece of an invoice number
    ],
)
def test_search(login, world, query, names):
    assert codes_in(login(world.users["admin"]).get(LIST, {"q": query})) == expected(world, *names)


def test_search_by_case_code(login, world):
    code = world.cases["verdi_tel"].code
    assert codes_in(login(world.users["admin"]).get(LIST, {"q": code.lower()})) == {code}


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"status": "working"}, {"ferro_tel"}),
        ({"status": "legal"}, {"rossi_tel"}),
        ({"band": "lt100"}, {"bianchi_ene"}),
        ({"band": "100-500"}, {"verdi_tel"}),
        ({"band": "500-2000"}, {"rossi_ene"}),  # balance 1.000,00 after the payment
        ({"band": "2000-10000"}, {"ferro_tel"}),
        ({"band": "gt10000"}, {"rossi_tel"}),
        ({"province": "MI"}, {"rossi_ene", "rossi_tel"}),
        ({"overdue": "30"}, {"rossi_ene", "ferro_tel", "verdi_tel", "rossi_tel"}),
        ({"overdue": "365"}, {"rossi_ene", "ferro_tel", "rossi_tel"}),
        ({"q": "rossi", "province": "MI", "band": "gt10000"}, {"rossi_tel"}),
    ],
)
def test_filters(login, world, params, names):
    assert codes_in(login(world.users["admin"]).get(LIST, params)) == expected(world, *names)


def test_creditor_and_assignment_filters(login, world):
    client = login(world.users["admin"])
    response = client.get(LIST, {"creditor": world.telco.pk})
    assert codes_in(response) == expected(world, "ferro_tel", "verdi_tel", "rossi_tel")
    assert (
        "TEL-2025-01" in response.content.decode()
    )  # the assignment select now lists the creditor's batches
    assignment = world.cases["ferro_tel"].assignment_id
    response = client.get(LIST, {"creditor": world.telco.pk, "assignment": assignment})
    assert codes_in(response) == expected(world, "ferro_tel", "verdi_tel", "rossi_tel")


def test_invalid_filters_are_ignored_with_a_message(login, world):
    response = login(world.users["admin"]).get(
        LIST,
        {"creditor": "abc", "band": "enorme", "overdue": "7", "province": "ZZ", "page": "-3", "status": "x"},
    )
    assert response.status_code == 200
    assert codes_in(response) == expected(world, *world.cases)
    html = response.content.decode()
    assert "Filtro non valido ignorato" in html and "committente" in html and "importo" in html


def test_empty_state(login, world):
    html = login(world.users["admin"]).get(LIST, {"q": "zzzz"}).content.decode()
    assert "Nessuna pratica trovata" in html


def test_htmx_request_returns_only_the_results_partial(login, world):
    client = login(world.users["admin"])
    response = client.get(LIST, {"q": "verdi"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert codes_in(response) == expected(world, "verdi_tel")
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html and 'id="filters"' not in html and "sidebar" not in html
    full = client.get(LIST, {"q": "verdi"}).content.decode()
    assert "<html" in full and 'id="filters"' in full


def test_pagination_has_next_without_a_total(login, world, monkeypatch):
    monkeypatch.setattr("recupero.cases.selectors.PAGE_SIZE", 2)
    client = login(world.users["admin"])
    first = client.get(LIST)
    assert len(codes_in(first)) == 2 and "page=2" in first.content.decode()
    third = client.get(LIST, {"page": 3})
    assert len(codes_in(third)) == 1 and "page=4" not in third.content.decode()


# ------------------------------------------------------------------ case page


def test_case_page_shows_exact_amounts_and_details(login, world):
    case = world.cases["rossi_ene"]
    html = login(world.users["admin"]).get(reverse("backoffice:case_detail", args=[case.pk])).content.decode()
    assert case.code in html and "Nuova" in html and "Energia Nord S.p.A." in html and "ENE-2025-03" in html
    assert "FT-2024/0001" in html and "31/01/2024" in html and "IT001E12345678" in html
    assert "1.234,56 €" in html  # claim and original amount
    assert "234,56 €" in html and "1.000,00 €" in html  # payment received and total due
    assert "+393471234567" in html and "rintraccio" in html and "Via Roma 1" in html
    assert "Pagamento con bonifico" in html and "Pratica aperta" in html
    # Rossi's other case (telco) is visible to an admin.
    assert world.cases["rossi_tel"].code in html


def test_creditor_user_view_is_audited_and_hides_other_creditors_cases(login, world):
    case = world.cases["rossi_ene"]
    before = AuditLog.objects.filter(action="debtor.view").count()
    html = (
        login(world.users["energia_user"])
        .get(reverse("backoffice:case_detail", args=[case.pk]))
        .content.decode()
    )
    assert world.cases["rossi_tel"].code not in html
    rows = AuditLog.objects.filter(action="debtor.view")
    assert rows.count() == before + 1
    row = rows.latest("id")
    assert (row.actor, row.object_id, row.details, row.tenant) == (
        world.users["energia_user"],
        str(case.debtor_id),
        {
            "method": "GET",
            "path": f"/pratiche/{case.pk}/",
            "debtors": [case.debtor_id],
            "cases": [case.pk],
            "n_debtors": 1,
            "n_cases": 1,
        },
        world.tenant,
    )


def test_agency_staff_case_view_is_audited_with_the_debtors_other_cases(login, world):
    case, other = world.cases["rossi_ene"], world.cases["rossi_tel"]
    login(world.users["admin"]).get(reverse("backoffice:case_detail", args=[case.pk]))
    row = AuditLog.objects.get(action="debtor.view")
    assert (row.actor, row.details["debtors"], row.details["cases"]) == (
        world.users["admin"],
        [case.debtor_id],
        sorted([case.pk, other.pk]),
    )


def test_creditor_page(login, world):
    html = (
        login(world.users["consultant"])
        .get(reverse("backoffice:creditor_detail", args=[world.energia.pk]))
        .content.decode()
    )
    assert "MAND-2025-01" in html and "12,5 %" in html and "Lettera" in html
    assert "ENE-2025-03" in html and "#0b5394" in html
    assert "Chiara Consulenti" in html


# ------------------------------------------------------------------ formatting


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1234.56", "1.234,56 €"),
        ("0", "0,00 €"),
        ("1234567.5", "1.234.567,50 €"),
        ("-40", "-40,00 €"),
        ("999.999", "1.000,00 €"),
        (None, "—"),
        ("abc", "—"),
    ],
)
def test_euro(value, text):
    from decimal import Decimal

    assert format_euro(Decimal(value) if value not in (None, "abc") else value) == text
