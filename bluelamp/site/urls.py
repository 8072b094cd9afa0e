from django.urls import path

from bluelamp.site import views

urlpatterns = [
    path("", views.home, name="home"),
    path("licence-check/", views.licence_check, name="licence_check"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("audit/", views.audit_log, name="audit_log"),
]
