"""The agency's hand on a debtor's personal link, from the case page: unlock it (the debtor called and proved
who they are), reissue it (a new token, shown once to read out or send), revoke it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recupero.cases.access import (
    access_link_current,
    access_link_issue,
    access_link_revoke,
    access_link_unlock,
)
from recupero.cases.selectors import case_get
from recupero.channels.access_links import personal_url
from recupero.core.errors import DomainError
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of


@require_POST
@backoffice_view
def access_link_action(request: AuthedRequest, case_id: int) -> HttpResponse:
    tenant, user = tenant_of(request), request.user
    case = case_get(tenant=tenant, actor=user, case_id=case_id)
    action, link = request.POST.get("action", ""), access_link_current(case=case)
    try:
        if action == "reissue":
            _link, token = access_link_issue(tenant=tenant, actor=user, case=case)
            messages.success(
                request, _("Nuovo collegamento personale: %(url)s") % {"url": personal_url(token)}
            )
        elif action == "unlock" and link is not None:
            access_link_unlock(tenant=tenant, actor=user, link=link)
            messages.success(request, _("Collegamento sbloccato."))
        elif action == "revoke" and link is not None:
            access_link_revoke(tenant=tenant, actor=user, link=link, reason=request.POST.get("reason", ""))
            messages.success(request, _("Collegamento revocato."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("backoffice:case_detail", case_id=case.pk)
