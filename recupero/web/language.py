"""The interface's language for each request: the signed-in user's choice (kept on the user, set on the security
page or with the top bar's switcher), else the choice made before signing in (Django's `set_language` at
`/i18n/setlang/`, kept in a cookie), else Italian. The browser's Accept-Language is not read: the agency's
people work in Italian unless they ask otherwise."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

OFFERED = {code for code, _name in settings.LANGUAGES}


def language_of(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
    if chosen in OFFERED:
        return chosen
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return cookie if cookie in OFFERED else settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_of(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
