"""Programmes' pages (/programmes/…), gathered from its parts: the learner's (catalogue,
applying, their programme, upcoming tasks), tutors' (caseload, a learner's place, messages),
and administrators' (building programmes, cohorts; applications, places, awarding-body files).
Each part keeps its own routes in web/urls_<part>.py."""

from bluelamp.core.plugins import present_parts

app_name = "programmes"

PARTS = tuple(f"bluelamp.programmes.web.urls_{name}" for name in ("learner", "tutor", "structure", "places"))

urlpatterns = [pattern for part in present_parts(PARTS) for pattern in part.urlpatterns]
