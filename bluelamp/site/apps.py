from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "bluelamp.site"
    label = "bluelamp_site"
    verbose_name = "Site pages"

    def ready(self):
        # Home and the audit log in the header (docs/decisions/0010-domains-plug-in.md).
        from bluelamp.site import plugins

        plugins.register()
