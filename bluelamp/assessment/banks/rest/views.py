"""The question banks' part of /api/v1/: banks, a bank's categories and questions, a question
with its current content, and importing a file into a bank.

Scoped by the applet's own access helpers, as its pages are: those who manage learning read their
organisation's banks and (while their organisation holds national content) the national body's;
they import into their own. Anything else is 404, the same as a bank that does not exist; a bank
they may read but not change is 403 on import.
"""

import uuid

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from bluelamp.assessment.banks import selectors, services
from bluelamp.assessment.banks.files import MAX_BYTES, FormatUnknown, format_of, read_questions
from bluelamp.assessment.banks.models import Bank, Question
from bluelamp.assessment.banks.rest import serializers as s
from bluelamp.assessment.formats.questions import QUESTION_TYPES, ParseResult
from bluelamp.core.rest import ScopedViewSet, choice_param, query_param, refused, uuid_param

NOT_FOUND = OpenApiResponse(description="Not found, or not yours to see")
_BOOLEANS = ["true", "false"]


def _bank_uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404("No such question bank") from None


@extend_schema_view(
    list=extend_schema(
        summary="Question banks you may use: your organisation's, and the national body's while it holds "
        "national content",
        parameters=[
            OpenApiParameter(
                "owner", OpenApiTypes.STR, description="Only those of the organisation with this slug"
            )
        ],
    ),
    retrieve=extend_schema(summary="One question bank", responses={200: s.BankSerializer, 404: NOT_FOUND}),
)
class BankViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.BankSerializer
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user if not self.fake() else None
        context["manages"] = lambda bank: user is not None and selectors.may_manage_bank(user, bank)
        return context

    def get_queryset(self):
        if self.fake():
            return Bank.objects.none()
        banks = selectors.banks_listed(self.request.user)
        slug = query_param(self.request, "owner")
        if slug:
            banks = banks.filter(owner__slug=slug)
        return banks

    def _bank(self) -> Bank:
        wanted = _bank_uuid(self.kwargs["uuid"])
        selectors.access_bank(self.request.user, wanted)  # 404 when not the reader's
        return selectors.banks_listed(self.request.user).get(uuid=wanted)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self._bank()).data)

    @extend_schema(
        summary="A bank's categories, depth first from the top, with how many questions each holds",
        responses={200: s.CategorySerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def categories(self, request, *args, **kwargs):
        bank = selectors.access_bank(request.user, _bank_uuid(kwargs["uuid"]))
        return Response(s.CategorySerializer(selectors.category_tree(bank), many=True).data)

    @extend_schema(
        summary="A bank's questions, by category and name",
        parameters=[
            OpenApiParameter(
                "category", OpenApiTypes.UUID, description="Only those in this category (its uuid)"
            ),
            OpenApiParameter(
                "subcategories",
                OpenApiTypes.STR,
                enum=_BOOLEANS,
                description="With `category`: also those in its subcategories (default true)",
            ),
            OpenApiParameter("tag", OpenApiTypes.STR, description="Only those with this tag"),
            OpenApiParameter("type", OpenApiTypes.STR, enum=list(QUESTION_TYPES)),
            OpenApiParameter("q", OpenApiTypes.STR, description="Only those whose name holds this"),
            OpenApiParameter(
                "hidden", OpenApiTypes.STR, enum=_BOOLEANS, description="Include hidden ones (default false)"
            ),
        ],
        responses={200: s.QuestionSummarySerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], serializer_class=s.QuestionSummarySerializer)
    def questions(self, request, *args, **kwargs):
        bank = selectors.access_bank(request.user, _bank_uuid(kwargs["uuid"]))
        category = None
        wanted = uuid_param(request, "category", "category")
        if wanted is not None:
            category = bank.categories.filter(uuid=wanted).first()
            if category is None:
                raise refused("category", f"“{wanted}” is not a category of this bank. See its categories/.")
        tag = query_param(request, "tag")
        questions = selectors.questions_of(
            bank,
            category=category,
            subcategories=choice_param(request, "subcategories", _BOOLEANS) != "false",
            tags=[tag] if tag else [],
            qtype=choice_param(request, "type", list(QUESTION_TYPES)),
            query=query_param(request, "q")[:200],
            hidden=choice_param(request, "hidden", _BOOLEANS) == "true",
        )
        page = self.paginate_queryset(questions)
        return self.get_paginated_response(s.QuestionSummarySerializer(page, many=True).data)

    @extend_schema(
        summary="Import a GIFT or Moodle XML file into a bank (those who manage its owner's learning)",
        description="The file is checked whole first. 200 with the report when every question was imported "
        "(a question already in the bank is not added again); 400 with the report's problems (each question's "
        "number, name, line and what is wrong) and unsupported types when it was not, and then nothing was "
        "written. A request without a file, or with a format that cannot be told, is 400 naming the field.",
        request={"multipart/form-data": s.ImportRequestSerializer},
        responses={200: s.ImportReportSerializer, 400: s.ImportReportSerializer, 403: None, 404: NOT_FOUND},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
        serializer_class=s.ImportRequestSerializer,
    )
    def import_file(self, request, *args, **kwargs):
        bank = selectors.access_bank(request.user, _bank_uuid(kwargs["uuid"]))
        if not selectors.may_manage_bank(request.user, bank):
            raise PermissionDenied(
                f"You may read “{bank.name}” but not import into it: it is {bank.owner.name}'s."
            )
        data = s.ImportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            fmt = format_of(upload.name, data.validated_data.get("format", ""))
        except FormatUnknown as unknown:
            raise refused("format", str(unknown)) from None
        if upload.size > MAX_BYTES:
            raise refused(
                "file",
                f"The file is {upload.size:,} bytes long: a question file may be at most {MAX_BYTES:,}.",
            )
        result = read_questions(upload.read(), fmt=fmt)
        report = _report(result, file_name=upload.name, fmt=fmt)
        if not result.ok:
            return Response(s.ImportReportSerializer(report).data, status=status.HTTP_400_BAD_REQUEST)
        try:
            outcome = services.questions_import(
                actor=request.user, bank=bank, result=result, source=upload.name
            )
        except DjangoPermissionDenied:
            raise PermissionDenied(f"You cannot import into “{bank.name}”.") from None
        except ValidationError as error:
            report["problems"] = [
                {"number": 0, "name": "", "line": None, "message": m} for m in error.messages
            ]
            return Response(s.ImportReportSerializer(report).data, status=status.HTTP_400_BAD_REQUEST)
        report.update(
            imported=True,
            by_type=[{"type": t, "count": outcome.by_type[t]} for t in QUESTION_TYPES if outcome.by_type[t]],
            created=outcome.created,
            updated=outcome.updated,
            unchanged=outcome.unchanged,
        )
        return Response(s.ImportReportSerializer(report).data)


def _report(result: ParseResult, *, file_name: str, fmt: str) -> dict:
    by_type: dict[str, int] = {}
    for question in result.questions:
        by_type[question.type] = by_type.get(question.type, 0) + 1
    return {
        "imported": False,
        "file_name": file_name,
        "format": fmt,
        "total": len(result.questions) + len(result.unsupported),
        "by_type": [{"type": t, "count": by_type[t]} for t in QUESTION_TYPES if t in by_type],
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "problems": [
            {"number": p.number, "name": p.name, "line": p.line, "message": p.message}
            for p in result.problems
        ],
        "unsupported": [
            {"number": u.number, "name": u.name, "line": u.line, "type": u.type} for u in result.unsupported
        ],
    }


@extend_schema_view(
    retrieve=extend_schema(
        summary="One question, with its current version's content and its versions",
        responses={200: s.QuestionSerializer, 404: NOT_FOUND},
    ),
)
class QuestionViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.QuestionSerializer
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return Question.objects.none()

    def retrieve(self, request, *args, **kwargs):
        try:
            wanted = uuid.UUID(kwargs["uuid"])
        except ValueError:
            raise Http404("No such question") from None
        question = selectors.access_question(request.user, wanted)
        return Response(s.QuestionSerializer(question).data)
