from django.urls import path

from recupero.web.debtor import door, pages, pay

app_name = "debtor"

urlpatterns = [
    path("", pages.home, name="home"),
    path("pratica/<id:case_id>/", pages.case_page, name="case"),
    path("pratica/<id:case_id>/lettere/<id:communication_id>/", pages.document, name="document"),
    path("pratica/<id:case_id>/carta/", pay.card_start, name="card_start"),
    path("pratica/<id:case_id>/carta/<id:card_id>/", pay.card, name="card"),
    path("esci/", door.leave, name="leave"),
    path("<str:token>/", door.link_open, name="open"),
    path("<str:token>/codice/", door.code_send, name="code_send"),
]
