from django.contrib.auth import views as auth_views
from django.urls import include, path

from recupero.web.api.router import api
from recupero.web.health import health

urlpatterns = [
    path("accesso/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("esci/", auth_views.LogoutView.as_view(), name="logout"),
    path("salute/", health, name="health"),
    path("api/", api.urls),
    path("", include("recupero.web.backoffice.urls")),
]
