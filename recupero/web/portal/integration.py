"""The creditor's integration page: API tokens (created, shown once, revoked), webhooks and their delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from recupero.reporting.domain.webhooks import KIND_LABELS
from recupero.reporting.selectors import deliveries_of, tokens_of, webhooks_of
from recupero.reporting.services import token_create, token_revoke, webhook_subscribe
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of


@backoffice_view
def integration(request: AuthedRequest) -> HttpResponse:
    tenant, user = tenant_of(request), request.user
    context = {
        "tokens": tokens_of(tenant=tenant, actor=user),
        "webhooks": webhooks_of(tenant=tenant, actor=user),
        "deliveries": deliveries_of(tenant=tenant, actor=user),
        "kinds": KIND_LABELS,
        "new_key": request.session.pop("portal_new_key", None),
        "new_secret": request.session.pop("portal_new_secret", None),
    }
    return render(request, "web/portal/integration.html", context)


@require_POST
@backoffice_view
def token_new(request: AuthedRequest) -> HttpResponse:
    _token, key = token_create(
        tenant=tenant_of(request), actor=request.user, name=request.POST.get("name", "")
    )
    request.session["portal_new_key"] = key  # shown once, on the next page, then gone
    return redirect("portal:integration")


@require_POST
@backoffice_view
def token_delete(request: AuthedRequest, token_id: int) -> HttpResponse:
    token_revoke(tenant=tenant_of(request), actor=request.user, token_id=token_id)
    messages.success(request, gettext("Token revocato."))
    return redirect("portal:integration")


@require_POST
@backoffice_view
def webhook_new(request: AuthedRequest) -> HttpResponse:
    _endpoint, secret = webhook_subscribe(
        tenant=tenant_of(request), actor=request.user, url=request.POST.get("url", ""),
        events=request.POST.getlist("events"),
    )  # fmt: skip
    request.session["portal_new_secret"] = secret
    return redirect("portal:integration")
