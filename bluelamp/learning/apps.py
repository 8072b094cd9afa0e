from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "bluelamp.learning"
    label = "learning"
    verbose_name = "Learning"
