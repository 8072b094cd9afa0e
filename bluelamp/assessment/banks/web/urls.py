from django.urls import path  # noqa: F401 - the applet's pages are added here

urlpatterns: list = []
