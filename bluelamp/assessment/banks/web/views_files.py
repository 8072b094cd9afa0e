"""Importing a file into a bank and exporting a bank (or a category) as a file.

An import is checked whole before anything is written: a file with problems is shown back with
each problem (the question's number, name and line, and what is wrong) and each question of an
unsupported type, and nothing is written. A file imported whole is reported by type, with how
many questions were new and how many were already in the bank (the report is kept in the session
for the page after the redirect).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify

from bluelamp.assessment.banks import selectors, services
from bluelamp.assessment.banks.files import (
    CONTENT_TYPES,
    FILE_EXTENSIONS,
    FORMAT_LABELS,
    MAX_BYTES,
    FormatUnknown,
    Unwritable,
    format_of,
    read_questions,
    write_questions,
)
from bluelamp.assessment.banks.web.common import crumbs, require_bank_reader
from bluelamp.assessment.banks.web.forms import ExportForm, ImportForm
from bluelamp.assessment.banks.wording import TYPE_LABELS
from bluelamp.assessment.formats.questions import QUESTION_TYPES

SESSION_KEY = "assessment_banks_import"


@login_required
def bank_import(request, bank_uuid):
    require_bank_reader(request.user)
    bank = selectors.access_bank(request.user, bank_uuid, manage=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    done = None
    status = 200
    if request.method == "GET" and request.GET.get("done"):
        kept = request.session.get(SESSION_KEY)
        if kept and kept.get("bank") == str(bank.uuid):
            done = kept
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            fmt = format_of(upload.name, form.cleaned_data["format"])
        except FormatUnknown as unknown:
            form.add_error("format", str(unknown))
        else:
            if upload.size > MAX_BYTES:
                form.add_error(
                    "file",
                    f"The file is {upload.size:,} bytes long: a question file may be at most {MAX_BYTES:,}.",
                )
            else:
                result = read_questions(upload.read(), fmt=fmt)
                if not result.ok:
                    report = {"file_name": upload.name, "format": FORMAT_LABELS[fmt], "result": result}
                    status = 400
                else:
                    try:
                        outcome = services.questions_import(
                            actor=request.user, bank=bank, result=result, source=upload.name
                        )
                    except PermissionDenied:
                        raise Http404("No such question bank") from None
                    except ValidationError as error:
                        form.add_error(None, error.messages)
                    else:
                        request.session[SESSION_KEY] = {
                            "bank": str(bank.uuid),
                            "file_name": upload.name,
                            "format": FORMAT_LABELS[fmt],
                            "by_type": [
                                [TYPE_LABELS[t], outcome.by_type[t]]
                                for t in QUESTION_TYPES
                                if outcome.by_type[t]
                            ],
                            "total": outcome.total,
                            "created": outcome.created,
                            "updated": outcome.updated,
                            "unchanged": outcome.unchanged,
                        }
                        return redirect(f"{reverse('assessment:bank_import', args=[bank.uuid])}?done=1")
    if form.errors:
        status = 400
    return render(
        request,
        "assessment/banks/import.html",
        {
            "title": f"Import questions into {bank.name}",
            "form": form if form.errors else None,
            "import_form": form,
            "bank": bank,
            "report": report,
            "done": done,
            "breadcrumbs": crumbs(bank),
        },
        status=status,
    )


@login_required
def bank_export(request, bank_uuid):
    require_bank_reader(request.user)
    bank = selectors.access_bank(request.user, bank_uuid)
    tree = selectors.category_tree(bank)
    if "format" in request.GET:
        form = ExportForm(request.GET, categories=tree)
    else:
        form = ExportForm(categories=tree, initial={"category": request.GET.get("category", "")})
    refused = []
    if form.is_bound and form.is_valid():
        fmt = form.cleaned_data["format"]
        category = form.chosen_category()
        try:
            written = write_questions(
                services.questions_export(bank, category=category),
                fmt=fmt,
                skip_unwritable=form.cleaned_data["skip_unwritable"],
            )
        except Unwritable as unwritable:
            refused = unwritable.questions
            form.add_error("format", str(unwritable))
        except ValueError as error:
            form.add_error("format", str(error))
        else:
            name = slugify(bank.name) or "questions"
            if category is not None and category.parent_id is not None:
                name += "-" + (slugify(category.name) or "category")
            response = HttpResponse(written.data, content_type=CONTENT_TYPES[fmt])
            response["Content-Disposition"] = f'attachment; filename="{name}.{FILE_EXTENSIONS[fmt]}"'
            return response
    return render(
        request,
        "assessment/banks/export.html",
        {
            "title": f"Export {bank.name}",
            "form": form if form.errors else None,
            "export_form": form,
            "bank": bank,
            "refused": refused,
            "type_labels": TYPE_LABELS,
            "breadcrumbs": crumbs(bank),
        },
        status=400 if form.errors else 200,
    )
