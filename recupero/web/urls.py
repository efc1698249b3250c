from django.contrib.auth import views as auth_views
from django.urls import include, path

from recupero.web.api.router import api
from recupero.web.backoffice import account
from recupero.web.backoffice.arrangements import arrangement_accept
from recupero.web.health import health

urlpatterns = [
    path("accesso/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("accesso/verifica/", account.otp_verify, name="otp_verify"),
    path("accesso/app-autenticazione/", account.otp_enrol, name="otp_enrol"),
    path("esci/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/sicurezza/", account.security, name="account_security"),
    path("account/sicurezza/password/", account.password, name="account_password"),
    path("account/sicurezza/disattiva/", account.otp_remove, name="account_otp_remove"),
    path("account/lingua/", account.language, name="account_language"),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the sign-in page's switcher
    path("salute/", health, name="health"),
    path("api/", api.urls),
    path(
        "accordo/<str:token>/", arrangement_accept, name="arrangement_accept"
    ),  # the debtor's link, no login
    path("portale/", include("recupero.web.portal.urls")),
    path("d/", include("recupero.web.debtor.urls")),  # the debtor's personal page (link + second factor)
    path("", include("recupero.web.backoffice.urls")),
]
