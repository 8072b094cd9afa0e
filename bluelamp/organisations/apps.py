from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "bluelamp.organisations"
    label = "organisations"
    verbose_name = "Organisations, licences and roles"
