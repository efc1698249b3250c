from django.urls import include, path

from recupero.web.backoffice import (
    access,
    arrangements,
    audit,
    desk,
    desk_setup,
    disputes,
    rates,
    remittance,
    reports,
    strategies,
    thread,
    views,
    worklists,
)

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
    path("pratiche/<id:case_id>/collegamento/", access.access_link_action, name="case_access_link"),
    path(
        "pratiche/<id:case_id>/accordi/anteprima/",
        arrangements.arrangement_preview,
        name="arrangement_preview",
    ),
    path("accordi/da-approvare/", arrangements.arrangement_approvals, name="arrangement_approvals"),
    path("accordi/<id:arrangement_id>/", arrangements.arrangement_detail, name="arrangement_detail"),
    path("accordi/<id:arrangement_id>/firmato/", arrangements.arrangement_signed, name="arrangement_signed"),
    path(
        "accordi/<id:arrangement_id>/decisione/", arrangements.arrangement_decide, name="arrangement_decide"
    ),
    path(
        "accordi/<id:arrangement_id>/riepilogo/", arrangements.arrangement_summary, name="arrangement_summary"
    ),
    # the collector's desk, disputes and the verification pack (issue 12)
    path("code/mia/", desk.my_queue_view, name="my_queue"),
    path("code/scrivania/", desk.desk_view, name="desk"),
    path("code/scrivania/coda/", desk.queue_of_view, name="queue_of"),
    path("code/assegna/", desk.bulk_assign, name="bulk_assign"),
    path("code/regole/", desk.rule_add, name="rule_add"),
    path("code/squadre/", desk.team_add, name="team_add"),
    path("code/squadre/<id:team_id>/", desk_setup.team_edit, name="team_edit"),
    path("code/regole/<id:rule_id>/", desk_setup.rule_edit, name="rule_edit"),
    path("code/regole/<id:rule_id>/sposta/", desk_setup.rule_move, name="rule_move"),
    path("code/regole/<id:rule_id>/attiva/", desk_setup.rule_toggle, name="rule_toggle"),
    path("code/visite/giornata/", desk.visit_day_view, name="visit_day"),
    path("code/attivita/<id:item_id>/", desk.item_page, name="work_item"),
    path("code/attivita/<id:item_id>/prendi/", desk.item_take, name="work_item_take"),
    path("code/attivita/<id:item_id>/lascia/", desk.item_release, name="work_item_release"),
    path("pratiche/<id:case_id>/fascicolo/", disputes.pack_download, name="case_pack"),
    path("pratiche/<id:case_id>/fascicolo/invia/", disputes.pack_send_view, name="case_pack_send"),
    path("pratiche/<id:case_id>/messaggi/", thread.case_thread, name="case_thread"),
    path("pratiche/<id:case_id>/messaggio/", disputes.message_view, name="case_message"),
    path("pratiche/<id:case_id>/contestazione/", disputes.dispute_open_view, name="dispute_open"),
    path(
        "pratiche/<id:case_id>/contestazione/documento/",
        disputes.dispute_document_view,
        name="dispute_document",
    ),
    path(
        "pratiche/<id:case_id>/contestazione/decisione/", disputes.dispute_decide_view, name="dispute_decide"
    ),
    path(
        "pratiche/<id:case_id>/contestazione/documenti/<id:document_id>/",
        disputes.dispute_document_download,
        name="dispute_document_download",
    ),
    path("report/", reports.reports_view, name="agency_reports"),
    path("report/esporta/<str:table>.<str:fmt>", reports.reports_export, name="agency_reports_export"),
    path("report/prescrizione/", reports.prescription_risk_view, name="prescription_risk"),
]
