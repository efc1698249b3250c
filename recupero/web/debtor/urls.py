from django.urls import path

from recupero.web.debtor import actions, door, pages, pay

app_name = "debtor"

urlpatterns = [
    path("", pages.home, name="home"),
    path("pratica/<id:case_id>/", pages.case_page, name="case"),
    path("pratica/<id:case_id>/lettere/<id:communication_id>/", pages.document, name="document"),
    # what the debtor does (part 2: actions.py)
    path("pratica/<id:case_id>/piano/", actions.plan, name="plan"),
    path("pratica/<id:case_id>/contesta/", actions.dispute, name="dispute"),
    path("pratica/<id:case_id>/recapiti/", actions.contact, name="contact"),
    path("pratica/<id:case_id>/canali/", actions.channels, name="channels"),
    path("pratica/<id:case_id>/richiamami/", actions.call_back, name="call_back"),
    path("pratica/<id:case_id>/carta/", pay.card_start, name="card_start"),
    path("pratica/<id:case_id>/carta/<id:card_id>/", pay.card, name="card"),
    path("esci/", door.leave, name="leave"),
    path("<str:token>/", door.link_open, name="open"),
    path("<str:token>/codice/", door.code_send, name="code_send"),
]
