"""The gradebook's REST API: a course's gradebook (settings, categories, items) and its learners'
grades for those who may see it, and the reader's own grades.

Scoped as the pages are (selectors.py): a course's gradebook for its managers and those who may
mark some of its learners, with only those learners; 404 for anyone else, as for no such course.
Read-only: grades change through the pages (overrides need a reason, kept with the grade) and
through the quizzes and assignments that hand them down.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from bluelamp.assessment.gradebook import calculation, selectors
from bluelamp.assessment.gradebook.rest import serializers as s
from bluelamp.core.rest import Pages, id_param, query_param, refused
from bluelamp.organisations.api import Unit
from bluelamp.people.api import Person

NOT_FOUND = OpenApiResponse(description="No such course, or not one whose gradebook you may see")
COURSE = OpenApiParameter("uuid", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The course's uuid")


def _course_grade(result: calculation.Result, passed: bool | None) -> dict:
    return {
        "percent": result.percent,
        "graded": result.graded,
        "expected": result.expected,
        "complete": result.complete,
        "passed": passed,
    }


def _settings(settings) -> dict:
    return {
        "aggregation": settings.aggregation,
        "missing": settings.missing,
        "pass_percent": settings.pass_percent,
        "learners_see_total": settings.learners_see_total,
    }


class CourseGradebookView(APIView):
    """A course's gradebook: how its grade is worked out, its categories and its items."""

    @extend_schema(
        summary="A course's gradebook: settings, categories and graded items (its managers, and those who "
        "mark its learners)",
        parameters=[COURSE],
        responses={200: s.CourseGradebookSerializer, 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        course = selectors.access_gradebook(request.user, self.kwargs["uuid"])
        structure = selectors.structure_of(course)
        payload = {
            "course": course,
            "settings": _settings(structure.settings),
            "categories": structure.categories,
            "items": structure.items,
        }
        return Response(s.CourseGradebookSerializer(payload).data)


class CourseGradesView(ListAPIView):
    """The course's learners the reader may mark, by surname, each with every grade, the category
    grades and the course grade."""

    serializer_class = s.LearnerGradesSerializer
    pagination_class = Pages

    def get_queryset(self):  # the schema's stand-in; list() reads through the selectors
        return Person.objects.none()

    @extend_schema(
        summary="A course's learners and their grades (only those you may mark), by surname",
        parameters=[
            COURSE,
            OpenApiParameter("q", OpenApiTypes.STR, description="Name, e-mail address or staff number"),
            OpenApiParameter("unit", OpenApiTypes.INT, description="Only learners in this unit and below it"),
            OpenApiParameter(
                "everyone", OpenApiTypes.BOOL, description="Also people no longer enrolled (default: false)"
            ),
        ],
        responses={200: s.LearnerGradesSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        course = selectors.access_gradebook(request.user, self.kwargs["uuid"])
        unit = None
        unit_id = id_param(request, "unit")
        if unit_id is not None:
            unit = Unit.objects.filter(pk=unit_id).first()
            if unit is None:
                raise refused(
                    "unit", f"There is no unit {unit_id}. Give the id of a unit from /api/v1/units/."
                )
        everyone = query_param(request, "everyone").lower()
        if everyone not in ("", "true", "false", "1", "0"):
            raise refused("everyone", f"“{everyone}” is not accepted for everyone. Use true or false.")
        learners = selectors.learners_of(
            request.user,
            course,
            unit=unit,
            query=query_param(request, "q"),
            include_unenrolled=everyone in ("true", "1"),
        )
        people = self.paginate_queryset(learners.values(*selectors.PERSON_FIELDS))
        assert people is not None  # always paginated
        structure = selectors.structure_of(course)
        rows = selectors.rows_of(structure, people, selectors.grades_of(course, [p["pk"] for p in people]))
        items = {item.pk: item.uuid for item in structure.items}
        place = {item_id: n for n, item_id in enumerate(items)}
        categories = {category.pk: category.uuid for category in structure.categories}
        data = [
            {
                "person": row.person["pk"],
                "uuid": row.person["uuid"],
                "name": row.name,
                "staff_number": row.person["staff_number"],
                "organisation": row.person["organisation__name"],
                "unit": row.person["unit__full_path"] or "",
                "course_grade": _course_grade(row.result, row.passed),
                "categories": [
                    {"category": categories[key], "percent": value}
                    for key, value in row.result.categories.items()
                ],
                "grades": [
                    {
                        "item": items[cell.item_id],
                        "grade": cell.final,
                        "from_source": cell.raw,
                        "overridden": cell.overridden,
                        "override_reason": cell.override_reason,
                        "overridden_at": cell.overridden_at,
                        "feedback": cell.feedback,
                        "graded_at": cell.graded_at,
                    }
                    for cell in sorted(row.cells.values(), key=lambda c: place.get(c.item_id, 0))
                    if cell.item_id in items
                ],
            }
            for row in rows
        ]
        return self.get_paginated_response(s.LearnerGradesSerializer(data, many=True).data)


class MyGradesView(APIView):
    """The reader's own grades, course by course: items not hidden, with feedback, and the course
    grade when the course shows it."""

    @extend_schema(
        summary="Your own grades and feedback, course by course",
        responses={200: s.MyCourseGradesSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        data = []
        for own in selectors.own_gradebooks(request.user):
            items = []
            for item in own.items:
                grade = own.grades.get(item.pk)
                final = grade.final if grade else None
                items.append(
                    {
                        "uuid": item.uuid,
                        "title": item.title,
                        "category": item.category.name if item.category else None,
                        "max_grade": item.max_grade,
                        "pass_grade": item.pass_grade,
                        "grade": final,
                        "percent": calculation.rounded(calculation.percentage(final, item.max_grade)),
                        "feedback": grade.feedback if grade else "",
                        "graded_at": grade.graded_at if grade else None,
                    }
                )
            data.append(
                {
                    "course": own.course,
                    "course_grade": _course_grade(own.result, own.passed) if own.result else None,
                    "items": items,
                }
            )
        return Response(s.MyCourseGradesSerializer(data, many=True).data)
