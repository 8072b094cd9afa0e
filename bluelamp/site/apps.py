from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "bluelamp.site"
    label = "bluelamp_site"
    verbose_name = "Site pages"
