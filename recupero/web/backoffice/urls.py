from django.urls import path

from recupero.web.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("pratiche/", views.case_list, name="case_list"),
    path("pratiche/<int:case_id>/", views.case_detail, name="case_detail"),
    path("committenti/", views.creditor_list, name="creditor_list"),
    path("committenti/<int:creditor_id>/", views.creditor_detail, name="creditor_detail"),
]
