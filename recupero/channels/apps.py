from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ChannelsConfig(AppConfig):
    name = "recupero.channels"
    label = "channels"
    verbose_name = gettext_lazy("Comunicazioni")
