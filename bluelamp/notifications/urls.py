from django.urls import path

from bluelamp.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("mark-all-read/", views.notifications_mark_all_read, name="mark_all_read"),
    path("preferences/", views.email_preferences, name="preferences"),
    path("<uuid:notification_uuid>/", views.notification_open, name="open"),
]
