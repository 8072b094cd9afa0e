from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "bluelamp.people"
    label = "people"
    verbose_name = "People"

    def ready(self):
        # adapters: connects the allauth signal receivers (password reset verifies the address).
        # plugins: its header links, home-page cards and daily job (docs/decisions/0010-...).
        # signed_in, directory: their signal receivers drop a cached person (and what others see
        # of people) on every write to them.
        from bluelamp.people import adapters, directory, plugins, signed_in  # noqa: F401

        plugins.register()
