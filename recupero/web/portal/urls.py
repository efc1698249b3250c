from django.urls import path

from recupero.web.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("esporta/<str:table>.<str:fmt>", views.export, name="export"),
]
