from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "recupero.channels"
    label = "channels"
    verbose_name = "Comunicazioni"
