"""Accounts through the real pages: login throttling and lockout, password rules, the second step (TOTP) and its
enrolment, the "Sicurezza" page, idle sessions. No `force_login` here: it would skip what is under test."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from recupero.core.accounts import otp_current_code, otp_device_of, otp_pending_device
from recupero.core.domain.roles import Role
from recupero.core.errors import DomainError
from recupero.core.models import AuditLog, User
from recupero.core.permissions import system_actor
from recupero.core.services import user_create
from recupero.web.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
HOME = reverse("backoffice:home")
LIST = reverse("backoffice:case_list")


def post_login(client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def enrol(client, user: User, next_url: str = "/") -> None:
    """The enrolment page as a user does it: open it (QR and secret), type the code the app shows."""
    page = client.get(reverse("otp_enrol"), {"next": next_url})
    assert page.status_code == 200
    device = otp_pending_device(user)
    html = page.content.decode()
    assert "<svg" in html and device is not None
    done = client.post(reverse("otp_enrol"), {"code": otp_current_code(device), "next": next_url})
    assert done.status_code == 302 and done.url == next_url


# ------------------------------------------------------------------ throttling and lockout
def test_five_wrong_passwords_lock_the_user_for_fifteen_minutes(client, world):
    for _ in range(4):
        assert (
            "Nome utente o password non corretti" in post_login(client, "opera", "sbagliata").content.decode()
        )
    locked = post_login(client, "opera", "sbagliata")  # the fifth failure locks
    assert locked.status_code == 429
    # Locked: even the right password, from another address, is refused with the Italian page.
    refused = post_login(client, "opera", PASSWORD, ip="10.9.9.9")
    html = refused.content.decode()
    assert refused.status_code == 429 and "bloccato per 15 minuti" in html and "Troppi tentativi" in html
    assert "_auth_user_id" not in client.session
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        opened = post_login(client, "opera", PASSWORD, ip="10.9.9.9")
    assert opened.status_code == 302 and opened.url == HOME


def test_five_failures_from_one_address_lock_that_address_for_every_user(client, world):
    for name in ("opera", "legale", "consu", "nessuno", "admin"):
        post_login(client, name, "sbagliata", ip="10.0.0.7")
    assert post_login(client, "telsud", PASSWORD, ip="10.0.0.7").status_code == 429
    # The same user from another address is not locked (only 0 failures by that name).
    assert post_login(client, "telsud", PASSWORD, ip="10.0.0.8").status_code == 302


def test_a_success_clears_the_count(client, world):
    for _ in range(4):
        post_login(client, "opera", "sbagliata")
    assert post_login(client, "opera", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        post_login(client, "opera", "sbagliata")
    assert post_login(client, "opera", PASSWORD).status_code == 302


# ------------------------------------------------------------------ passwords
@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("12345678", "troppo corta: deve contenere almeno 10 caratteri"),
        ("1234567890", "interamente numerica"),
        ("password", "troppo comune"),
        ("Password123", "troppo comune"),
        ("mario.rossi.it", "troppo simile"),
    ],
)
def test_weak_passwords_are_refused_with_an_italian_reason(tenant, password, reason):
    with pytest.raises(DomainError) as refused:
        user_create(
            tenant=tenant, actor=system_actor(tenant), username="mario.rossi", password=password, role=Role.COLLECTOR,
            first_name="Mario", last_name="Rossi",
        )  # fmt: skip
    assert refused.value.code == "user.weak_password"
    assert refused.value.message.startswith("Password non accettata.") and reason in refused.value.message
    assert not User.objects.filter(username="mario.rossi").exists()


def test_password_change_on_the_security_page(client, world):
    user = world.users["collector"]
    client.force_login(user)
    page = reverse("account_password")
    weak = client.post(page, {"current": PASSWORD, "new": "password", "repeat": "password"}, follow=True)
    assert "Questa password è troppo comune." in weak.content.decode()
    wrong = client.post(
        page, {"current": "no", "new": "nuova-chiave-77", "repeat": "nuova-chiave-77"}, follow=True
    )
    assert "La password attuale non è corretta." in wrong.content.decode()
    differ = client.post(
        page, {"current": PASSWORD, "new": "nuova-chiave-77", "repeat": "altra"}, follow=True
    )
    assert "Le due nuove password non coincidono." in differ.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    done = client.post(
        page, {"current": PASSWORD, "new": "nuova-chiave-77", "repeat": "nuova-chiave-77"}, follow=True
    )
    assert "Password cambiata." in done.content.decode()
    user.refresh_from_db()
    assert user.check_password("nuova-chiave-77")
    assert AuditLog.objects.filter(action="user.password_change", actor=user).count() == 1
    assert client.get(HOME).status_code == 200  # this session stays logged in


# ------------------------------------------------------------------ second factor
def test_admin_must_enrol_then_must_give_a_code_at_every_login(client, world):
    admin = world.users["admin"]
    assert post_login(client, "admin", PASSWORD).status_code == 302
    # Nothing but the enrolment is reachable: pages redirect, the API answers 401, the admin site too.
    response = client.get(LIST)
    assert response.status_code == 302 and response.url == reverse("otp_enrol") + "?next=%2Fpratiche%2F"
    api = client.get("/api/cases")
    assert api.status_code == 401 and api.json()["code"] == "auth.otp_required"
    assert client.get("/admin/").url.startswith(reverse("otp_enrol"))
    htmx = client.get(LIST, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 204 and htmx["HX-Redirect"].startswith(reverse("otp_enrol"))
    bad = client.post(reverse("otp_enrol"), {"code": "000000"})
    assert "Codice non valido o scaduto" in bad.content.decode()
    at_once = client.post(reverse("otp_enrol"), {"code": otp_current_code(otp_pending_device(admin))})
    assert "Troppi codici errati" in at_once.content.decode()  # each wrong code doubles the wait (1 s, 2 s…)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        enrol(client, admin, next_url=LIST)
        assert client.get(LIST).status_code == 200
    assert AuditLog.objects.filter(action="user.otp_enrol", actor=admin).count() == 1

    client.post(reverse("logout"))
    assert post_login(client, "admin", PASSWORD).status_code == 302
    verify = client.get(LIST)
    assert verify.url == reverse("otp_verify") + "?next=%2Fpratiche%2F"
    # With an authenticator already enrolled, the password alone cannot enrol another one.
    assert client.get(reverse("otp_enrol")).url.startswith(reverse("otp_verify"))
    wrong = client.post(reverse("otp_verify"), {"code": "12345", "next": LIST})
    assert wrong.status_code == 200 and "Codice non valido o scaduto" in wrong.content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=60)):  # a new code, past the wait
        code = otp_current_code(otp_device_of(admin))
        right = client.post(reverse("otp_verify"), {"code": code, "next": LIST})
        assert right.status_code == 302 and right.url == LIST
        assert client.get(LIST).status_code == 200


def test_wrong_codes_make_the_user_wait(client, world):
    user = world.users["supervisor"]
    client.force_login(user)  # a device for the supervisor
    client.post(reverse("logout"))
    post_login(client, "super", PASSWORD)
    for _ in range(3):
        client.post(reverse("otp_verify"), {"code": "000000"})
    code = otp_current_code(otp_device_of(user))
    throttled = client.post(reverse("otp_verify"), {"code": code})
    assert throttled.status_code == 200 and "Troppi codici errati" in throttled.content.decode()


def test_other_roles_log_in_with_the_password_and_may_enrol(client, world):
    collector = world.users["collector"]
    assert post_login(client, "opera", PASSWORD).status_code == 302
    assert client.get(LIST).status_code == 200  # no second step required for a collector
    page = client.get(reverse("account_security")).content.decode()
    assert "Non attiva" in page and "Disattiva" not in page
    enrol(client, collector, next_url=reverse("account_security"))
    assert "Attiva" in client.get(reverse("account_security")).content.decode()
    client.post(reverse("logout"))
    post_login(client, "opera", PASSWORD)
    assert client.get(LIST).url.startswith(reverse("otp_verify"))  # enrolled: asked from now on
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=60)):
        client.post(reverse("otp_verify"), {"code": otp_current_code(otp_device_of(collector))})
        removed = client.post(reverse("account_otp_remove"), follow=True)
        assert "Verifica in due passaggi disattivata." in removed.content.decode()
    assert otp_device_of(collector) is None


def test_roles_that_see_everything_cannot_switch_it_off(client, world):
    auditor = user_create(
        tenant=world.tenant,
        actor=system_actor(world.tenant),
        username="revisore",
        password=PASSWORD,
        role=Role.AUDITOR,
    )
    client.force_login(auditor)
    assert "obbligatoria" in client.get(reverse("account_security")).content.decode()
    refused = client.post(reverse("account_otp_remove"))
    assert refused.status_code == 409 and "obbligatoria" in refused.content.decode()
    assert otp_device_of(auditor) is not None


# ------------------------------------------------------------------ sessions
def test_a_session_ends_after_thirty_idle_minutes_and_at_browser_close(client, world):
    response = post_login(client, "opera", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    start = timezone.now()
    with time_machine.travel(start + dt.timedelta(minutes=20)):
        assert client.get(LIST).status_code == 200  # each request pushes the expiry on
    with time_machine.travel(start + dt.timedelta(minutes=45)):
        assert client.get(LIST).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=76)):
        idle = client.get(LIST)
    assert idle.status_code == 302 and idle.url.startswith(LOGIN)
