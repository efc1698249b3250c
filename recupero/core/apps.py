from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext, gettext_lazy


class CoreConfig(AppConfig):
    name = "recupero.core"
    label = "core"
    verbose_name = gettext_lazy("Nucleo")

    def ready(self) -> None:
        from recupero.core.domain.i18n import install_translator

        # labels and error messages of the pure layers (no Django there) shown in the user's language
        install_translator(gettext)


class RecuperoAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with Recupero's site: access by role capability, rows cut to the user's agency."""

    default = False  # named in INSTALLED_APPS; "recupero.core" stays CoreConfig
    default_site = "recupero.core.admin_site.RecuperoAdminSite"
