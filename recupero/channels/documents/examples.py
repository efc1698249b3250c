"""Deterministic example letters (fictitious names and codes) for tests, previews and the benchmark."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from .data import (
    Agency,
    AgreementOffer,
    Amounts,
    BureauNotice,
    Claim,
    Creditor,
    DisputeReply,
    Installment,
    LetterData,
    PaymentInfo,
    PaymentPlan,
    PriorContact,
    ProspettoRow,
    Recipient,
    SupplyInfo,
)

LOGO_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="220" height="56" viewBox="0 0 220 56">'
    '<rect x="0" y="4" width="48" height="48" rx="10" fill="#0b6e4f"/>'
    '<path d="M14 38 L24 16 L34 38 Z" fill="#ffffff"/>'
    '<text x="60" y="36" font-family="sans-serif" font-size="24" font-weight="bold" fill="#0b6e4f">'
    "Luce Verde</text></svg>"
)
LETTER_DATE = date(2025, 3, 12)


def example_creditor(with_logo: bool = True) -> Creditor:
    return Creditor(
        name="Luce Verde Energia S.p.A.",
        address_lines=("Via dei Mille 12", "20121 Milano (MI)"),
        vat_number="IT01234567897",
        primary_color="#0b6e4f",
        logo_svg=LOGO_SVG if with_logo else None,
        signatory_name="Giulia Ferri",
        signatory_role="Responsabile Gestione Crediti",
        service_name="Ufficio Clienti Luce Verde",
    )


def example_agency() -> Agency:
    return Agency(
        name="Alfa Gestione Crediti S.r.l.",
        window_sender="Alfa Servizi S.r.l.",
        address_lines=("Corso Vittorio Emanuele II 45", "10121 Torino (TO)"),
        licence_number="1234/2019",
        licence_authority="Questura di Torino",
        phone="011 555 0123",
        email="pratiche@alfaservizi.example.it",
        pec="alfaservizi@pec.example.it",
        opening_hours="lun-ven 9:00-18:00, sab 9:00-13:00",
        privacy_contact="privacy@alfaservizi.example.it",
        privacy_url="www.alfaservizi.example.it/privacy",
    )


def example_claims(count: int) -> tuple[Claim, ...]:
    """`count` bills, one a month, all overdue at the letter date, with varied but deterministic amounts."""
    start = LETTER_DATE - timedelta(days=30 * count + 60)
    claims = []
    for n in range(count):
        issued = start + timedelta(days=30 * n)
        amount = Decimal(80 + (n * 37) % 250) + Decimal((n * 13) % 100) / 100
        claims.append(
            Claim(f"2024/{4100 + n:06d}", issued, issued + timedelta(days=20), amount, "Bolletta luce")
        )
    return tuple(claims)


def example_letter(kind: str, *, claims: int = 2, prospetto: int = 2, case_no: int = 123) -> LetterData:
    """A complete letter of `kind` with `claims` invoices and `prospetto` interest rows."""
    cs = example_claims(claims)
    if kind in ("payment_plan_confirmation", "agreement_summary"):
        prospetto = 0  # the plan covers the principal: no interest, so the plan total equals the total due
    rows = tuple(
        ProspettoRow(
            c.due_date + timedelta(days=1),
            date(2025, 3, 10),
            (date(2025, 3, 10) - c.due_date).days - 1,
            Decimal("12.15"),
            (c.amount * Decimal("0.1215") * 200 / 365).quantize(Decimal("0.01")),
            base=c.amount,
        )
        for c in cs[:prospetto]
    )
    return LetterData(
        case_code=f"RC-2025-{case_no:06d}",
        place="Torino",
        letter_date=LETTER_DATE,
        creditor=example_creditor(),
        agency=example_agency(),
        recipient=Recipient(
            name="Mario Rossi",
            address_lines=("Via Garibaldi 7, int. 3",),
            postal_code="00184",
            municipality="Roma",
            province="RM",
            salutation="Gentile Sig. Rossi,",
        ),
        claims=cs,
        amounts=Amounts(
            interest=sum((r.amount for r in rows), Decimal("0")),
            interest_note="tasso BCE + 8 punti, D.Lgs. 231/2002",
            flat_compensation=Decimal("40.00") if kind == "formal_demand" else Decimal("0"),
            costs=Decimal("12.50") if kind in {"formal_demand", "supply_suspension_notice"} else Decimal("0"),
            costs_note="spese postali",
            payments_received=Decimal("50.00") if kind == "reminder_2" else Decimal("0"),
        ),
        prospetto=rows,
        payment=PaymentInfo(
            iban="IT60X0542811101000000123456",
            beneficiary="Luce Verde Energia S.p.A.",
            bank_name="Banca Esempio",
            deadline=LETTER_DATE + timedelta(days=20),
            pagopa_notice_code="3012 3456 7890 1234 56" if kind == "supply_suspension_notice" else "",
            pagopa_creditor_code="01234567897" if kind == "supply_suspension_notice" else "",
        ),
        registered=kind in {"formal_demand", "supply_suspension_notice", "bureau_notice"},
        prior_contacts=_example_history(kind),
        bureau=BureauNotice(
            "EURISC", "CRIF S.p.A.", LETTER_DATE + timedelta(days=16), "www.crif.it – tel. 051 4176111"
        )
        if kind == "bureau_notice"
        else None,
        supply=SupplyInfo(
            "energia elettrica",
            "Via Garibaldi 7, Roma",
            "IT001E12345678",
            suspension_date=LETTER_DATE + timedelta(days=30),
            sent_date=LETTER_DATE,
            power_reduction=True,
        )
        if kind == "supply_suspension_notice"
        else None,
        plan=_example_plan(cs) if kind in ("payment_plan_confirmation", "agreement_summary") else None,
        agreement=AgreementOffer(
            "Piano di rientro",
            sum((c.amount for c in cs), Decimal("0")),
            sum((c.amount for c in cs), Decimal("0")),
            ("Gli interessi di mora non sono dovuti se il piano è rispettato.",),
            "https://recupero.example.it/accordo/AbC123/",
            LETTER_DATE + timedelta(days=15),
        )
        if kind == "agreement_summary"
        else None,
        dispute=DisputeReply(
            False,
            date(2025, 2, 20),
            "Servizio non ricevuto",
            "I verbali di consegna firmati dal cliente attestano la fornitura.",
        )
        if kind == "dispute_reply"
        else None,
    )


def _example_plan(claims: tuple[Claim, ...]) -> PaymentPlan:
    total = sum((c.amount for c in claims), Decimal("0"))
    share = (total / 4).quantize(Decimal("0.01"))
    amounts = [share, share, share, total - 3 * share]  # the last instalment absorbs the rounding cents
    return PaymentPlan(
        installments=tuple(
            Installment(n + 1, date(2025, 4 + n, 15), amount) for n, amount in enumerate(amounts)
        ),
        agreed_on=date(2025, 3, 10),
    )


def _example_history(kind: str) -> tuple[PriorContact, ...]:
    """The reminders a case of this kind has usually had: a first letter before the second, a letter and an
    SMS before the formal demand (the kinds that speak of them)."""
    if kind == "reminder_2":
        return (PriorContact(date(2025, 2, 10), "letter"),)
    if kind == "formal_demand":
        return (PriorContact(date(2025, 1, 20), "letter"), PriorContact(date(2025, 2, 10), "sms"))
    return ()
