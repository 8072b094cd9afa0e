from django.urls import include, path

app_name = "learning"
urlpatterns = [
    path("", include("bluelamp.learning.web.urls_learner")),
    path("manage/", include("bluelamp.learning.web.urls_manage")),
    path("records/", include("bluelamp.learning.web.urls_records")),
]
