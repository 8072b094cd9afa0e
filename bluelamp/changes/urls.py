from django.urls import include, path

app_name = "changes"

urlpatterns = [
    # Before the requests for change, whose addresses are /changes/<reference>/.
    path("releases/", include("bluelamp.changes.web.urls_releases")),
    path("cab/", include("bluelamp.changes.web.urls_cab")),
    path("schedule/", include("bluelamp.changes.web.urls_schedule")),
    path("", include("bluelamp.changes.web.urls_rfcs")),
]
