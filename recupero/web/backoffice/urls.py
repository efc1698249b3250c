from django.urls import include, path

from recupero.web.backoffice import arrangements, audit, rates, remittance, strategies, views, worklists

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
    path("rendiconti/", remittance.remittance_list, name="remittance_list"),
    path("rendiconti/emetti/", remittance.remittance_issue_view, name="remittance_issue"),
    path("rendiconti/<id:remittance_id>/", remittance.remittance_detail, name="remittance_detail"),
    path(
        "rendiconti/<id:remittance_id>/<str:fmt>/", remittance.remittance_download, name="remittance_download"
    ),
    path("pratiche/<id:case_id>/accordi/", arrangements.case_arrangements_view, name="case_arrangements"),
    path(
        "pratiche/<id:case_id>/accordi/anteprima/",
        arrangements.arrangement_preview,
        name="arrangement_preview",
    ),
    path("accordi/da-approvare/", arrangements.arrangement_approvals, name="arrangement_approvals"),
    path("accordi/<id:arrangement_id>/", arrangements.arrangement_detail, name="arrangement_detail"),
    path(
        "accordi/<id:arrangement_id>/decisione/", arrangements.arrangement_decide, name="arrangement_decide"
    ),
    path(
        "accordi/<id:arrangement_id>/riepilogo/", arrangements.arrangement_summary, name="arrangement_summary"
    ),
]
