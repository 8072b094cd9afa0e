from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "bluelamp.people"
    label = "people"
    verbose_name = "People"
