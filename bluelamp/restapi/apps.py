from django.apps import AppConfig


class RestApiConfig(AppConfig):
    name = "bluelamp.restapi"
    label = "restapi"
    verbose_name = "REST API"
