"""Back-office pages. Thin: parse input, call one selector or service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {})


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {})


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return render(request, "web/home.html", {})


@login_required
def creditor_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {})


@login_required
def creditor_detail(request: HttpRequest, creditor_id: int) -> HttpResponse:
    return render(request, "web/home.html", {})
