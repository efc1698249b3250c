"""The interface's language: kept on the user, chosen before signing in with set_language (a cookie), never taken
from the browser's Accept-Language; amounts and dates follow it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from recupero.core.accounts import language_set
from recupero.core.errors import DomainError
from recupero.core.models import AuditLog, User
from recupero.web.templatetags.money import data_it, euro, percent_it

HOME = "/"
COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.mark.parametrize(
    ("language", "amount", "negative", "date", "rate"),
    [
        ("it", "1.234,56 €", "-5,00 €", "03/12/2026", "12,5 %"),
        ("en", "€1,234.56", "-€5.00", "3 Dec 2026", "12.5%"),
    ],
)
def test_amounts_dates_and_percentages_follow_the_language(language, amount, negative, date, rate):
    with translation.override(language):
        assert euro(Decimal("1234.555")) == amount  # half up to the cent, as in Italian
        assert euro(Decimal("-5")) == negative
        assert data_it(dt.date(2026, 12, 3)) == date
        assert percent_it(Decimal("12.50")) == rate
        assert (euro(None), data_it(None), euro("x")) == ("—", "—", "—")


def test_the_sign_in_page_is_italian_whatever_the_browser_asks(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert "<h1>Accedi</h1>" in page.content.decode() and page["Content-Language"] == "it"


def test_set_language_before_signing_in_switches_the_sign_in_page(client, db):
    chosen = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert (chosen.status_code, chosen["Location"], chosen.cookies[COOKIE].value) == (
        302,
        reverse("login"),
        "en",
    )
    page = client.get(reverse("login"))
    assert "<h1>Sign in</h1>" in page.content.decode() and '<html lang="en">' in page.content.decode()


def test_the_users_language_wins_over_the_cookie(client, world):
    user = world.users["collector"]
    User.objects.filter(pk=user.pk).update(language="en")
    client.force_login(user)
    client.cookies[COOKIE] = "it"
    page = client.get(HOME).content.decode()
    assert 'aria-label="Main navigation"' in page and "My queue" in page
    User.objects.filter(pk=user.pk).update(language="")  # no choice kept: the cookie decides
    assert 'aria-label="Navigazione principale"' in client.get(HOME).content.decode()


def test_choosing_the_language_keeps_it_on_the_user_and_goes_back(client, world):
    user = world.users["consultant"]
    client.force_login(user)
    back = reverse("backoffice:case_list")
    done = client.post(reverse("account_language"), {"language": "en", "next": back})
    assert (done.status_code, done["Location"], done.cookies[COOKIE].value) == (302, back, "en")
    user.refresh_from_db()
    assert user.language == "en"
    assert (
        AuditLog.objects.filter(action="user.language", actor=user, details={"language": "en"}).count() == 1
    )
    assert "Language updated." in client.get(back).content.decode()
    away = client.post(reverse("account_language"), {"language": "it", "next": "https://example.com/"})
    assert away["Location"] == reverse("account_security")  # never a redirect off the site
    refused = client.post(reverse("account_language"), {"language": "de"}, follow=True)
    assert "Lingua non disponibile: «de»." in refused.content.decode()
    user.refresh_from_db()
    assert user.language == "it"


def test_language_set_refuses_an_unknown_language_and_changes_nothing(world):
    user = world.users["collector"]
    with pytest.raises(DomainError) as refused:
        language_set(tenant=user.tenant, actor=user, language="xx")
    assert refused.value.code == "user.bad_language"
    user.refresh_from_db()
    assert user.language == "" and not AuditLog.objects.filter(action="user.language").exists()
    with pytest.raises(DomainError) as foreign:
        language_set(tenant=world.other_tenant, actor=user, language="en")
    assert foreign.value.code == "tenant.mismatch"
