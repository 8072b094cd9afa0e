"""The shared page partials in bluelamp/templates/includes/ render what the pages rely on: GOV.UK
markup, the ids tests and scripts look for, the other filters kept in links, values escaped
unless they are markup already, and the CSRF token in the import forms."""

import datetime as dt
import re
from types import SimpleNamespace

from django import forms
from django.core.paginator import Paginator
from django.template import engines
from django.test import RequestFactory
from markupsafe import Markup

CSRF = Markup('<input type="hidden" name="csrfmiddlewaretoken" value="t0ken">')


def render(source: str, **context) -> str:
    html = engines["jinja2"].from_string(source).render(context)
    return re.sub(r"\s+", " ", html)


def a_run(**fields):
    person = SimpleNamespace(get_full_name=lambda: "Sam One")
    defaults = {
        "uuid": "6f1c0e43-6c1e-4d7c-9d38-0f4c3c7e9a11",
        "file_name": "hr.csv",
        "organisation": SimpleNamespace(name="Kent Police"),
        "get_outcome_display": lambda: "Valid (dry run)",
        "started_at": dt.datetime(2026, 5, 3, 9, 4, tzinfo=dt.UTC),
        "started_by": person,
        "dry_run": True,
        "phase": "",
        "progress_done": 0,
        "progress_total": 0,
    }
    return SimpleNamespace(**(defaults | fields))


# --- pagination ----------------------------------------------------------------------------------

PAGINATION = '{% from "includes/pagination.html" import pagination %}{{ pagination(page, request, "Pages of people") }}'


def test_pagination_numbers_the_pages_around_this_one_and_keeps_the_filters():
    request = RequestFactory().get("/people/", {"q": "sam", "unit": "4", "page": "5"})
    page = Paginator(range(1000), 10).get_page(5)
    html = render(PAGINATION, page=page, request=request)
    assert 'aria-label="Pages of people"' in html
    links = re.findall(r'href="([^"]+)"', html)
    assert links == [
        "?q=sam&amp;unit=4&amp;page=4",  # previous
        "?q=sam&amp;unit=4&amp;page=1",
        "?q=sam&amp;unit=4&amp;page=4",
        "?q=sam&amp;unit=4&amp;page=5",
        "?q=sam&amp;unit=4&amp;page=6",
        "?q=sam&amp;unit=4&amp;page=100",
        "?q=sam&amp;unit=4&amp;page=6",  # next
    ]
    assert html.count("govuk-pagination__item--ellipsis") == 2
    assert re.search(r'aria-label="Page 5" aria-current="page"', html)


def test_pagination_on_the_first_page_has_no_previous_link():
    request = RequestFactory().get("/people/")
    html = render(PAGINATION, page=Paginator(range(30), 10).get_page(1), request=request)
    assert 'rel="prev"' not in html and 'rel="next"' in html
    assert "ellipsis" not in html


def test_no_pagination_when_everything_is_on_one_page():
    request = RequestFactory().get("/people/")
    html = render(PAGINATION, page=Paginator(range(3), 10).get_page(1), request=request)
    assert html.strip() == ""


# --- result tables -------------------------------------------------------------------------------

TABLE = """{% from "includes/tables.html" import result_table %}
{% call(p) result_table(rows, "People, by surname", ["Name", {"text": "Hours", "numeric": true},
                        {"text": "Actions", "hidden": true}], "No one matches.", id="people") %}
<td class="govuk-table__cell">{{ p.name }}</td><td class="govuk-table__cell">{{ p.hours }}</td><td></td>
{% endcall %}"""


def test_result_table_has_a_caption_headers_and_a_row_for_each_item_in_a_scroll_region():
    html = render(TABLE, rows=[{"name": "Sam <One>", "hours": 3}, {"name": "Pat Two", "hours": 1}])
    assert '<div class="bl-table-scroll" tabindex="0" role="region" aria-label="People, by surname">' in html
    assert '<table class="govuk-table" id="people">' in html
    assert '<caption class="govuk-table__caption govuk-visually-hidden">People, by surname</caption>' in html
    assert '<th scope="col" class="govuk-table__header">Name</th>' in html
    assert '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Hours</th>' in html
    assert '<span class="govuk-visually-hidden">Actions</span></th>' in html
    assert html.count('<tr class="govuk-table__row">') == 3  # the header row and two people
    assert "Sam &lt;One&gt;" in html and "No one matches." not in html


def test_an_empty_result_table_says_so_across_the_whole_width():
    html = render(TABLE, rows=[])
    assert '<td class="govuk-table__cell" colspan="3">No one matches.</td>' in html


# --- summary lists -------------------------------------------------------------------------------

SUMMARY = """{% from "includes/summary_list.html" import summary_list %}
{% set link %}<a class="govuk-link" href="/people/1/">Sam One</a>{% endset %}
{{ summary_list([("Code", code), ("Manager", link), ("Enrolled", 0, "count-enrolled"),
                 ("Left", "2026") if leaver], classes="govuk-summary-list--no-border") }}"""


def test_summary_list_rows_keep_markup_only_where_it_was_built_as_markup():
    html = render(SUMMARY, code="<b>PL-1</b>", leaver=False)
    assert '<dl class="govuk-summary-list govuk-summary-list--no-border">' in html
    assert (
        '<dt class="govuk-summary-list__key">Code</dt><dd class="govuk-summary-list__value">'
        "&lt;b&gt;PL-1&lt;/b&gt;</dd>" in html
    )
    assert '<a class="govuk-link" href="/people/1/">Sam One</a>' in html
    assert 'Enrolled</dt><dd class="govuk-summary-list__value" id="count-enrolled">0</dd>' in html
    assert "Left" not in html


def test_summary_list_shows_an_optional_row_when_it_applies():
    assert 'Left</dt><dd class="govuk-summary-list__value">2026</dd>' in render(
        SUMMARY, code="X", leaver=True
    )


# --- the import flow -----------------------------------------------------------------------------

IMPORTS = '{% from "includes/imports.html" import import_upload, file_format, import_progress, import_problems, import_failure, import_apply, import_signature with context %}'


class UploadForm(forms.Form):
    file = forms.FileField(label="HR file (CSV)")


def test_import_upload_explains_the_file_posts_it_with_the_csrf_token_and_lists_recent_imports():
    source = (
        IMPORTS
        + """{% call import_upload("Import people", form, runs, "people:import_run") %}
<p class="govuk-body">Upload a CSV file.</p>
{% call file_format("Example file") %}<pre>staff_number,email</pre>{% endcall %}
{% endcall %}"""
    )
    run = a_run()
    html = render(source, form=UploadForm(), runs=[run], csrf_input=CSRF)
    assert (
        '<h1 class="govuk-heading-xl">Import people</h1> <p class="govuk-body">Upload a CSV file.</p>' in html
    )
    assert '<span class="govuk-details__summary-text">Example file</span>' in html
    assert '<div class="govuk-details__text"><pre>staff_number,email</pre></div>' in html
    assert '<form method="post" enctype="multipart/form-data" novalidate>' in html
    assert 'name="csrfmiddlewaretoken" value="t0ken"' in html
    assert 'type="file"' in html and "Check file" in html
    assert f'href="/people/import/{run.uuid}/">hr.csv</a> — Kent Police, Valid (dry run),' in html
    assert "by Sam One" in html


def test_import_upload_without_runs_says_none_yet():
    source = IMPORTS + '{% call import_upload("Import", [], [], "people:import_run") %}{% endcall %}'
    assert "<li>None yet.</li>" in render(source, csrf_input=CSRF)


def test_import_progress_polls_itself_and_counts_the_rows():
    source = (
        IMPORTS
        + '{% call import_progress(run, "/people/import/x/", "/people/import/") %}<p>About a minute.</p>{% endcall %}'
    )
    html = render(source, run=a_run(phase="Checking", progress_done=1500, progress_total=236000))
    assert (
        '<div id="import-progress" hx-get="/people/import/x/" hx-trigger="every 2s" hx-swap="outerHTML">'
        in html
    )
    assert "Checking your file" in html
    assert "Checking: 1,500 of 236,000 rows." in html
    assert '<progress class="govuk-!-width-two-thirds" max="236000" value="1500">0%</progress>' in html
    assert '<a class="govuk-link" href="/people/import/">recent imports</a>' in html
    assert "<p>About a minute.</p>" in html


def test_import_progress_before_the_task_starts():
    source = IMPORTS + '{{ import_progress(run, "/poll/", "/recent/") }}'
    html = render(source, run=a_run(dry_run=False, phase="Waiting"))
    assert "Applying the changes" in html and "Waiting to start." in html and "<progress" not in html


def test_import_problems_lists_row_column_value_and_reason():
    problems = [
        {"row": 3, "column": "email", "value": "<sam>", "reason": "Not a valid e-mail address."},
        {"row": 0, "column": "", "value": "", "reason": "and 5 more problems"},
    ]
    source = IMPORTS + '{{ import_problems(problems, 7, "/people/import/", "Nothing has been changed.") }}'
    html = render(source, problems=problems)
    assert "The file has 7 problems. Nothing has been changed.</h1>" in html
    assert '<table class="govuk-table" id="errors">' in html
    assert "Problems found (first 2 of 7)</caption>" in html
    assert (
        '<td class="govuk-table__cell">3</td><td class="govuk-table__cell">email</td> '
        '<td class="govuk-table__cell">&lt;sam&gt;</td><td class="govuk-table__cell">Not a valid e-mail address.</td>'
    ) in html
    assert '<td class="govuk-table__cell"></td><td class="govuk-table__cell"></td>' in html  # no row 0
    assert 'href="/people/import/"' in html and "Upload a corrected file" in html


def test_import_problems_of_one_problem():
    problems = [{"row": 2, "column": "status", "value": "gone", "reason": "Must be active or leaver."}]
    source = IMPORTS + '{{ import_problems(problems, 1, "/up/", "Nothing has been added.") }}'
    html = render(source, problems=problems)
    assert "The file has 1 problem. Nothing has been added.</h1>" in html
    assert "Problems found</caption>" in html


def test_import_failure_gives_the_reason_and_a_way_back():
    source = (
        IMPORTS
        + '{{ import_failure("The file could not be checked", reason, "Nothing has been changed.", {"text": "Upload a file", "href": "/up/"}) }}'
    )
    html = render(source, reason="The file is not UTF-8 <text>.")
    assert "The file could not be checked. Nothing has been changed.</h1>" in html
    assert '<p class="govuk-body" id="failure-reason">The file is not UTF-8 &lt;text&gt;.</p>' in html
    assert 'href="/up/"' in html and "Upload a file" in html


def test_import_apply_posts_with_the_csrf_token_and_offers_a_way_out():
    source = (
        IMPORTS + '{{ import_apply("/people/import/x/apply/", "Apply these changes", "/people/import/") }}'
    )
    html = render(source, csrf_input=CSRF)
    assert '<form method="post" action="/people/import/x/apply/">' in html
    assert 'name="csrfmiddlewaretoken"' in html and "Apply these changes" in html
    assert '<a class="govuk-link" href="/people/import/">Cancel and upload a different file</a>' in html


def test_import_signature_says_who_did_it_and_when():
    html = render(IMPORTS + '{{ import_signature("Checked", run) }}', run=a_run())
    assert re.search(r"Checked \S.* by Sam One\.</p>", html)
    html = render(IMPORTS + '{{ import_signature("Checked", run) }}', run=a_run(started_by=None))
    assert " by " not in html
