from django.apps import AppConfig


class RestApiConfig(AppConfig):
    name = "bluelamp.restapi"
    label = "restapi"
    verbose_name = "REST API"

    def ready(self) -> None:
        # Registers the token authentication's OpenAPI description with drf-spectacular.
        from bluelamp.restapi import schema  # noqa: F401
