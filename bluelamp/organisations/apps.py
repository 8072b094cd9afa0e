from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "bluelamp.organisations"
    label = "organisations"
    verbose_name = "Organisations, licences and roles"

    def ready(self):
        # Its header links, home-page card and daily jobs (docs/decisions/0010-domains-plug-in.md).
        from bluelamp.organisations import cache, plugins

        cache.connect_authenticator_signals()  # its other receivers connect on import

        plugins.register()
