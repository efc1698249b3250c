from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "recupero.core"
    label = "core"
    verbose_name = "Nucleo"


class RecuperoAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with Recupero's site: access by role capability, rows cut to the user's agency."""

    default = False  # named in INSTALLED_APPS; "recupero.core" stays CoreConfig
    default_site = "recupero.core.admin_site.RecuperoAdminSite"
