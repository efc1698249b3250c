import pytest

from recupero.core.errors import DomainError
from recupero.core.models import AuditLog
from recupero.core.permissions import system_actor
from recupero.parties.domain.contacts import ContactKind
from recupero.parties.domain.debtors import DebtorKind, DebtorSize
from recupero.parties.models import ContactPoint, Creditor, Debtor
from recupero.parties.services import contact_add, creditor_create, debtor_upsert
from tests.factories import make_debtor

pytestmark = pytest.mark.django_db


def _person(tenant, **kw):
    base = {
        "tenant": tenant,
        "actor": system_actor(tenant),
        "kind": DebtorKind.PERSON,
        "size": DebtorSize.CONSUMER,
        "first_name": "Mario",
        "last_name": "Rossi",
    }
    return debtor_upsert(**{**base, **kw})


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"tax_code": "RSSMRA85T10A562X"}, "party.bad_tax_code"),
        ({"tax_code": "RSSMRA85T10A56"}, "party.bad_tax_code"),
        ({"vat_number": "01234567890"}, "party.bad_vat_number"),
        ({}, "party.missing_identity"),
    ],
)
def test_debtor_bad_identity_is_refused_and_saves_nothing(tenant, kwargs, code):
    with pytest.raises(DomainError) as err:
        _person(tenant, **kwargs)
    assert err.value.code == code
    assert "non valid" in err.value.message or code == "party.missing_identity"
    assert Debtor.objects.count() == 0
    assert AuditLog.objects.filter(action="debtor.create").count() == 0


def test_debtor_is_deduplicated_by_tax_code_and_normalized(tenant):
    first, created = _person(tenant, tax_code="rssmra85t10a562s")
    again, created_again = _person(tenant, tax_code="RSSMRA85T10A562S", first_name="Other")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert first.tax_code == "RSSMRA85T10A562S"
    assert first.search_name == "rossi mario"


def test_same_tax_code_in_another_tenant_is_another_debtor(tenant, other_tenant):
    a, _ = _person(tenant, tax_code="RSSMRA85T10A562S")
    b, created = _person(other_tenant, tax_code="RSSMRA85T10A562S")
    assert created and a.pk != b.pk


def test_vat_number_accepts_it_prefix(tenant):
    debtor, _ = debtor_upsert(
        tenant=tenant,
        actor=system_actor(tenant),
        kind=DebtorKind.COMPANY,
        size=DebtorSize.SME,
        company_name="Acme S.r.l.",
        vat_number="IT00743110157",
    )
    assert debtor.vat_number == "00743110157"
    assert debtor.search_name == "acme s.r.l."


@pytest.mark.parametrize(
    ("kind", "value", "extra", "code"),
    [
        (ContactKind.ADDRESS, "Via Roma 1", {"cap": "20121", "province": "ZZ"}, "party.unknown_province"),
        (ContactKind.ADDRESS, "Via Roma 1", {"cap": "2012", "province": "MI"}, "party.bad_cap"),
        (
            ContactKind.ADDRESS,
            "Via Roma 1",
            {"cap": "00184", "province": "MI"},
            "party.cap_province_mismatch",
        ),
        (ContactKind.MOBILE, "12", {}, "party.bad_contact"),
        (ContactKind.EMAIL, "not-an-email", {}, "party.bad_contact"),
    ],
)
def test_bad_contact_is_refused(tenant, kind, value, extra, code):
    debtor, _ = _person(tenant, tax_code="RSSMRA85T10A562S")
    with pytest.raises(DomainError) as err:
        contact_add(tenant=tenant, actor=system_actor(tenant), debtor=debtor, kind=kind, value=value, **extra)
    assert err.value.code == code
    assert ContactPoint.objects.count() == 0


def test_contacts_are_normalized_and_not_duplicated(tenant):
    debtor = make_debtor(tenant)
    mobile, created = contact_add(
        tenant=tenant,
        actor=system_actor(tenant),
        debtor=debtor,
        kind=ContactKind.MOBILE,
        value="333 123 4567",
    )
    again, created_again = contact_add(
        tenant=tenant,
        actor=system_actor(tenant),
        debtor=debtor,
        kind=ContactKind.MOBILE,
        value="+39 3331234567",
    )
    email, _ = contact_add(
        tenant=tenant,
        actor=system_actor(tenant),
        debtor=debtor,
        kind=ContactKind.EMAIL,
        value=" Mario.Rossi@Example.IT ",
    )
    assert mobile.value == "+393331234567"
    assert (created, created_again, again.pk) == (True, False, mobile.pk)
    assert email.value == "mario.rossi@example.it"
    assert debtor.contacts.count() == 3  # address from the factory, mobile, e-mail


def test_creditor_bad_vat_number_saves_nothing(tenant):
    with pytest.raises(DomainError) as err:
        creditor_create(
            tenant=tenant, actor=system_actor(tenant), code="X", name="X", sector="utility", vat_number="123"
        )
    assert err.value.code == "party.bad_vat_number"
    assert Creditor.objects.count() == 0
