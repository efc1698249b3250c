from django.urls import include, path

from recupero.web.backoffice import audit, rates, reports, strategies, views, worklists

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("pratiche/", views.case_list, name="case_list"),
    path("pratiche/<id:case_id>/", views.case_detail, name="case_detail"),
    path("committenti/", views.creditor_list, name="creditor_list"),
    path("committenti/<id:creditor_id>/", views.creditor_detail, name="creditor_detail"),
    path("importazioni/", include("recupero.web.backoffice.imports")),
    path("strategie/", strategies.strategy_list, name="strategy_list"),
    path("strategie/esecuzioni/", strategies.strategy_runs, name="strategy_runs"),
    path(
        "comunicazioni/<id:communication_id>/documento/",
        strategies.communication_document,
        name="communication_document",
    ),
    path("tassi/", rates.rate_list, name="rate_list"),
    path("code/telefonate/", worklists.call_queue_view, name="call_queue"),
    path("code/visite/", worklists.visit_queue_view, name="visit_queue"),
    path("code/rintracci/", worklists.skip_trace_view, name="skip_trace_queue"),
    path("code/attivita/<id:item_id>/esito/", worklists.work_item_outcome, name="work_item_outcome"),
    path("audit/", audit.audit_log, name="audit_log"),
    path("audit/esporta/", audit.audit_export, name="audit_export"),
    path("audit/registro-affari/", audit.affairs_register, name="affairs_register"),
    path("pagamenti/", include("recupero.web.backoffice.payments")),
    path("report/", reports.reports_view, name="agency_reports"),
    path("report/esporta/<str:table>.<str:fmt>", reports.reports_export, name="agency_reports_export"),
]
