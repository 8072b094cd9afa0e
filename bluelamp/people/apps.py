from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "bluelamp.people"
    label = "people"
    verbose_name = "People"

    def ready(self):
        # Connects the allauth signal receivers (password reset verifies the address).
        from bluelamp.people import adapters  # noqa: F401
