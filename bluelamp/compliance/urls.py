from django.urls import include, path

app_name = "compliance"

urlpatterns = [
    path("", include("bluelamp.compliance.web.urls_reports")),
    path("requirements/", include("bluelamp.compliance.web.urls_requirements")),
    path("people/", include("bluelamp.compliance.web.urls_people")),
    path("schedules/", include("bluelamp.compliance.web.urls_schedules")),
]
