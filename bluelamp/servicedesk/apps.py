from django.apps import AppConfig


class ServiceDeskConfig(AppConfig):
    name = "bluelamp.servicedesk"
    label = "servicedesk"
    verbose_name = "Service desk"
