"""The debtors' personal links of the demo: the first cases get one at load, so the letters the daily run sends
them carry a working link (the sending reuses a live link), and the command prints one to try."""

from __future__ import annotations

from dataclasses import dataclass

from recupero.cases.access import access_links_ensure
from recupero.cases.models import Case
from recupero.channels.access_links import personal_url
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor

DEMO_LINKS = 200


@dataclass(frozen=True)
class DemoLink:
    case_code: str
    url: str
    answer: str  # the last 5 characters of the debtor's codice fiscale


def demo_links(tenant: Tenant, count: int = DEMO_LINKS) -> DemoLink | None:
    """Issue links for the demo's first `count` open cases; return the first one of a person with a balance."""
    ids = list(
        Case.objects.filter(tenant=tenant, status__in=("new", "working"))
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    tokens = access_links_ensure(tenant=tenant, actor=system_actor(tenant), case_ids=ids)
    case = (
        Case.objects.filter(tenant=tenant, pk__in=ids, balance__gt=0)
        .exclude(debtor__tax_code="")
        .filter(debtor__company_name="")
        .select_related("debtor")
        .order_by("pk")
        .first()
    )
    if case is None:
        return None
    return DemoLink(case.code, personal_url(tokens[case.pk]), case.debtor.tax_code[-5:])
