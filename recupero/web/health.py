"""`/salute/`: the health check for load balancers and monitoring. No login, no data: only what is down."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from recupero.core.health import health_check, is_healthy


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    report = health_check()
    return JsonResponse(report, status=200 if is_healthy(report) else 503)
