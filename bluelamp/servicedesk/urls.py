from django.urls import include, path

app_name = "servicedesk"
urlpatterns = [
    # The national calendar's extra closures: working time's page, kept here by the desk's leads.
    path("closures/", include("bluelamp.workingtime.urls")),
    path("", include("bluelamp.servicedesk.kb.urls")),
    # Before tickets: its "tickets/<ref>/link-problem/" would otherwise match a ticket action.
    path("", include("bluelamp.servicedesk.problems.urls")),
    path("", include("bluelamp.servicedesk.tickets.urls")),
    path("", include("bluelamp.servicedesk.incidents.urls")),
    path("", include("bluelamp.servicedesk.complaints.urls")),
    path("", include("bluelamp.servicedesk.identity.urls")),
    path("", include("bluelamp.servicedesk.reporting.urls")),
    path("", include("bluelamp.servicedesk.survey.urls")),
]
