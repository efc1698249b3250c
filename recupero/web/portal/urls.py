from django.urls import path

from recupero.web.portal import downloads, integration, monthly, threads, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("esporta/<str:table>.<str:fmt>", views.export, name="export"),
    path("accordi/<id:arrangement_id>/decisione/", views.decide, name="decide"),
    path("documenti/", downloads.downloads, name="downloads"),
    path("documenti/esiti/<id:assignment_id>.<str:fmt>", downloads.outcomes, name="outcomes"),
    path("pratiche/<id:case_id>/messaggi/", threads.case_thread, name="case_thread"),
    path("report-mensile/", monthly.monthly_report, name="monthly_report"),
    path("integrazione/", integration.integration, name="integration"),
    path("integrazione/token/", integration.token_new, name="token_new"),
    path("integrazione/token/<id:token_id>/revoca/", integration.token_delete, name="token_delete"),
    path("integrazione/webhook/", integration.webhook_new, name="webhook_new"),
]
