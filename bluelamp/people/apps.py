from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "bluelamp.people"
    label = "people"
    verbose_name = "People"

    def ready(self):
        # adapters: connects the allauth signal receivers (password reset verifies the address).
        # plugins: its header links, home-page cards and daily job (docs/decisions/0010-...).
        from bluelamp.people import adapters, plugins  # noqa: F401

        plugins.register()
