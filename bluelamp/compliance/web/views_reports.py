"""The compliance dashboards under /compliance/: where a force stands, from the organisation down
through its units to the people in them; a line manager's own team; the national view of every
force; the trend at month ends; the forecast of what falls due; and every table as CSV or XLSX
(`?format=csv|xlsx&table=<name>`, through bluelamp.core.exports, which makes formulas harmless).

Figures come from reports.py and forecast.py (the kept counts; assignments only for the lists of
people by name); who sees what is `selectors.sight`. A unit or organisation outside the reader's
sight is "not found", like one that does not exist. Pages work without JavaScript: the filters
are GET forms and the charts SVG drawn on the server, followed by the same figures in a table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from markupsafe import Markup

from bluelamp.compliance import charts, reports
from bluelamp.compliance.counts_cache import standings_version, tables_version
from bluelamp.compliance.forecast import Forecast, Line, forecast
from bluelamp.compliance.models import Requirement, Status
from bluelamp.compliance.reports import FIGURE_HEADERS, Figures, Level
from bluelamp.compliance.web import clock
from bluelamp.core.exports import CONTENT_TYPES, dataset, dataset_download
from bluelamp.core.fragments import render_part
from bluelamp.core.sharedcache import LocalCopies, read_through
from bluelamp.organisations.api import Organisation

PAGE_SIZE = 50
STATUS_LABELS = dict(Status.choices)
TAG_CLASSES = {
    Status.COMPLIANT: "govuk-tag--green",
    Status.DUE: "govuk-tag--yellow",
    Status.OVERDUE: "govuk-tag--red",
    Status.ASSIGNED: "govuk-tag--grey",
    Status.SUSPENDED: "govuk-tag--orange",
    Status.EXEMPT: "govuk-tag--blue",
}
STATUS_NAMES = ", ".join(Status.values[:-1]) + " or " + Status.values[-1]


# --- filters and downloads -----------------------------------------------------------------------


class Filters(forms.Form):
    """The GET filters of a page; each page keeps the fields it uses."""

    requirement = forms.ChoiceField(required=False, label="Requirement")
    status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[("", "Any status"), *Status.choices],
        error_messages={"invalid_choice": f"Choose a status from the list: {STATUS_NAMES} (not “%(value)s”)"},
    )
    below = forms.BooleanField(required=False, label="Include the people in the units below")

    def __init__(self, data, *, requirements: Sequence[Requirement], keep: Iterable[str]):
        super().__init__(data)
        keep = set(keep)
        for name in set(self.fields) - keep:
            del self.fields[name]
        if "from" in keep:
            # The forecast's first month: ?from=YYYY-MM (a Python keyword, so no clean_from).
            self.fields["from"] = forms.CharField(
                required=False, label="From the month", help_text="As YYYY-MM, for example 2026-03"
            )
        if "requirement" in self.fields:
            field = self.fields["requirement"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "All requirements")] + [
                (str(r.uuid), f"{r.code} {r.title}") for r in requirements
            ]
            field.error_messages["invalid_choice"] = (
                "Choose a requirement from the list: “%(value)s” is not one of the requirements here"
            )
        self._requirements = {str(r.uuid): r for r in requirements}

    def clean(self):
        data = super().clean()
        if "from" in self.fields and data.get("from"):
            value = data["from"].strip()
            match = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
            if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
                self.add_error(
                    "from",
                    f"Enter the month to start from as YYYY-MM, for example 2026-03 (“{value[:20]}” is not "
                    "a month between 2000 and 2100)",
                )
            else:
                data["from"] = dt.date(int(match[1]), int(match[2]), 1)
        return data

    def chosen(self, name: str):
        """A field's clean value, or nothing when the form has errors (the page shows them)."""
        if self.errors or name not in self.fields:
            return None
        value = self.cleaned_data.get(name)
        if name == "requirement":
            return self._requirements.get(value) if value else None
        return value or None


def _download(request, form: Filters, tables: Sequence[str]) -> tuple[str, str] | None:
    """(format, table) when the page is asked for a download; a bad one is an error on `form`."""
    fmt, table = request.GET.get("format"), request.GET.get("table") or tables[0]
    if fmt is None:
        return None
    problems = []
    if fmt not in CONTENT_TYPES:
        problems.append(f"Downloads are {' or '.join(CONTENT_TYPES)}, not “{fmt}”")
    if table not in tables:
        problems.append(f"There is no table “{table}” to download here: choose {', '.join(tables)}")
    for problem in problems:
        form.add_error(None, problem)
    return None if problems else (fmt, table)


def _bad_request(request, template: str, context: dict) -> HttpResponse:
    return render(request, template, context, status=400)


def _filename(*parts: str, fmt: str) -> str:
    return "compliance-" + "-".join(p for p in parts if p) + f".{fmt}"


def _figure_rows(rows: Iterable[tuple[Sequence, Figures]]) -> Iterable[list]:
    for label, figures in rows:
        yield [*label, *figures.row()]


def _send(rows: Iterable[Sequence], *, header: Sequence[str], title: str, fmt: str, filename: str):
    data = dataset(headers=header, title=title[:31])
    data.extend(rows)
    return dataset_download(data, fmt=fmt, filename=filename)


# --- the dashboard -------------------------------------------------------------------------------

DASHBOARD_TABLES = ("requirements", "units", "people", "trend")
TEAM_TABLES = ("requirements", "people")


@login_required
@require_GET
def dashboard(request):
    actor = request.user
    asked = request.GET.get("organisation") or request.GET.get("unit")
    if request.GET.get("view") == "team" or (not reports.figures_access(actor).anything and not asked):
        return _team(request)
    level = reports.level_for(
        actor, organisation=request.GET.get("organisation") or None, unit=request.GET.get("unit") or None
    )
    downloading = "format" in request.GET
    key = _tables_key(request, level)
    tables = None if downloading or key is None else _kept_tables(key)
    form: Filters | None = None
    if tables is None:
        figures = reports.level_figures(level)
        form = Filters(
            request.GET, requirements=figures.requirements, keep=("requirement", "status", "below")
        )
        form.is_valid()
        download = _download(request, form, DASHBOARD_TABLES)
        requirement, status = form.chosen("requirement"), form.chosen("status")
        below = bool(form.chosen("below"))
        if download and download[1] == "people" and not level.names:
            raise Http404("No such table")
        if download:
            people = reports.people_named(actor, level, requirement=requirement, status=status, below=below)
            trend = reports.trend(level, requirement=requirement)
            return _dashboard_download(level, figures, requirement, status, people, trend, *download)
        shown = [requirement] if requirement is not None else figures.requirements
        tables = _Tables(
            html=_draw_tables(request, level, figures, form, requirement),
            requirement=requirement,
            status=status,
            below=below,
            columns=tuple(_Column(r.pk, r.code) for r in shown),
        )
        if key is not None and not form.errors and not downloading:
            _kept.keep_many({key: tables}, settings.COMPLIANCE_CACHE_SECONDS)
    people_html = ""
    if level.names:
        keep = form is None or not form.errors
        people_html = _people_html(request, level, tables, _people_key(request, level) if keep else None)
    context = {
        "title": f"Mandatory training: {level.label}",
        "level": level,
        "form": form,
        "requirement": tables.requirement,
        "tables_html": Markup(tables.html),  # noqa: S704 - a template's output, escaped as it was drawn
        "people_html": Markup(people_html),  # noqa: S704 - likewise
        "organisations": _other_organisations(actor, level.organisation),
        "whole_organisation_link": reports.may_open_whole_organisation(actor, level.organisation),
        "national_reader": reports.national_reader(actor),
        "has_team": reports.has_team(actor),
        "breadcrumbs": _breadcrumbs(actor, level),
        **_common(),
    }
    template = "compliance/reports/dashboard.html"
    if form is not None and form.errors:
        return _bad_request(request, template, context)
    return render(request, template, context)


class _Column(NamedTuple):
    """A requirement as the people table's columns show it."""

    pk: int
    code: str


@dataclass(frozen=True)
class _Tables:
    """A level's tables (by requirement, the filters, by unit, the trend) as drawn for one query
    string, with what its filters chose: all that a later request asking the same needs but the
    people by name, so a kept one needs neither the form nor the level's figures."""

    html: str
    requirement: Requirement | None
    status: str | None
    below: bool
    columns: tuple[_Column, ...]


# This process's copies of kept tables (up to some 80 KB each): their key names all they depend on.
_kept = LocalCopies(32)


def _tables_key(request, level: Level) -> str | None:
    """The same for everyone at the level asking the same query string (but the page of people,
    which the tables do not show) on the same day, until the organisation's counts, a requirement,
    a unit or an organisation change (counts_cache.tables_version). None: nothing is kept."""
    if not settings.COMPLIANCE_CACHE_SECONDS:
        return None
    about = (
        tables_version(level.organisation.pk),
        reports.level_key(level),
        [(name, values) for name, values in request.GET.lists() if name != "page"],
        clock.today().isoformat(),
    )
    return "compliance:dashboard-tables:v1:" + hashlib.sha256(repr(about).encode()).hexdigest()


def _kept_tables(key: str) -> _Tables | None:
    return _kept.get_many([key]).get(key)


def _people_key(request, level: Level) -> str | None:
    """The same for everyone at the level who sees the same people by name, asking the same
    query string (the page of people included) on the same day, until the organisation's
    assignments or counts, people, a requirement, a unit or an organisation change
    (counts_cache.standings_version). None: nothing is kept."""
    if not settings.COMPLIANCE_CACHE_SECONDS:
        return None
    names = reports.names_access(request.user)
    about = (
        standings_version(level.organisation.pk),
        reports.level_key(level),
        (sorted(names.organisation_ids), sorted(names.unit_paths), names.manager_id, names.national),
        sorted(request.GET.lists()),
        PAGE_SIZE,
        clock.today().isoformat(),
    )
    return "compliance:dashboard-people:v1:" + hashlib.sha256(repr(about).encode()).hexdigest()


def _people_html(request, level: Level, tables: _Tables, key: str | None) -> str:
    """The list of people by name (a page of them, each one's standing on each requirement shown),
    drawn, or as kept under `key`."""

    def draw() -> str:
        requirement, status, below = tables.requirement, tables.status, tables.below
        people = reports.people_named(
            request.user, level, requirement=requirement, status=status, below=below
        )
        page = _people_page(people, request.GET.get("page"))
        members = list(page.object_list)
        return render_part(
            "compliance/reports/parts/dashboard_people.html",
            {
                "request": request,  # the links keep the query string
                "level": level,
                "requirement": requirement,
                "status": status,
                "below": below,
                "page": page,
                "members": members,
                "standings": reports.standings_of(members, requirement=requirement),
                "columns": tables.columns,
                **_common(),
            },
        )

    if key is None:
        return draw()
    return read_through(settings.COMPLIANCE_CACHE_SECONDS, lambda: key, draw, local=_kept_people)


# This process's copies of kept lists of people (some 60 KB each): their key names all they depend on.
_kept_people = LocalCopies(32)


def _people_page(people, number) -> Page:
    """Paginator(people).get_page(number), without counting when the first page holds everyone
    (a force's people in no unit, a small unit): its rows are read one more than a page."""
    if number not in (None, "", "1"):
        return Paginator(people, PAGE_SIZE).get_page(number)
    head = list(people[: PAGE_SIZE + 1])
    if len(head) <= PAGE_SIZE:
        return Paginator(head, PAGE_SIZE).get_page(1)
    return Page(head[:PAGE_SIZE], 1, Paginator(people, PAGE_SIZE))


def _draw_tables(request, level: Level, figures: reports.LevelFigures, form: Filters, requirement) -> str:
    trend = reports.trend(level, requirement=requirement)
    return render_part(
        "compliance/reports/parts/dashboard_tables.html",
        {
            "request": request,  # the links keep the query string
            "level": level,
            "figures": figures,
            "form": form,
            "requirement": requirement,
            "children": figures.children(requirement),
            "direct": figures.direct(requirement),
            "in_no_unit": figures.in_no_unit(requirement),
            "trend": trend,
            "trend_chart": _trend_chart(trend, level.label),
            **_common(),
        },
    )


def _common() -> dict:
    return {
        "statuses": Status.values,
        "labels": STATUS_LABELS,
        "tags": TAG_CLASSES,
        "headers": FIGURE_HEADERS,
    }


def _other_organisations(actor, current: Organisation) -> list[Organisation]:
    """The organisations the reader may switch to, when there is more than one."""
    touched = reports.figures_access(actor).organisation_ids_touched()
    if touched is not None and touched <= {current.pk}:
        return []
    return list(reports.organisations_seen(actor))


def _breadcrumbs(actor, level: Level) -> list[dict]:
    crumbs = []
    if level.unit is not None or level.ancestors:
        if reports.may_open_whole_organisation(actor, level.organisation):
            crumbs.append(
                {"text": level.organisation.name, "href": f"?organisation={level.organisation.slug}"}
            )
        for unit in level.ancestors:
            crumbs.append({"text": unit.name, "href": f"?unit={unit.pk}"})
    return crumbs


def _trend_chart(trend: list[reports.MonthFigures], label: str) -> charts.Chart | None:
    if not trend:
        return None
    return charts.percent_line(
        id="trend-chart",
        title=f"Share compliant at each month end: {label}",
        months=[m.month_end for m in trend],
        percents=[m.figures.percent for m in trend],
    )


def _requirement_rows(rows: Iterable[tuple[Requirement, Figures]], overall: Figures) -> Iterable[list]:
    yield from _figure_rows(((r.code, r.title), f) for r, f in rows)
    yield ["Overall", "all requirements added up", *overall.row()]


def _trend_rows(trend: list[reports.MonthFigures]) -> Iterable[list]:
    return _figure_rows(((m.month_end,), m.figures) for m in trend)


def _dashboard_download(level, figures, requirement, status, people, trend, fmt: str, table: str):
    about = requirement.code if requirement is not None else ""
    filename = _filename(level.slug, table, about, clock.today().isoformat(), fmt=fmt)
    if table == "requirements":
        return _send(
            _requirement_rows(figures.rows(), figures.overall),
            header=("requirement code", "requirement", *FIGURE_HEADERS),
            title="By requirement",
            fmt=fmt,
            filename=filename,
        )
    if table == "units":
        rows: list[tuple[Sequence, Figures]] = [((u.full_path,), f) for u, f in figures.children(requirement)]
        direct, no_unit = figures.direct(requirement), figures.in_no_unit(requirement)
        if direct is not None and direct.in_audience:
            rows.append(((f"{level.unit.full_path} (directly)",), direct))
        if no_unit is not None and no_unit.in_audience:
            rows.append((("(in no unit)",), no_unit))
        return _send(
            _figure_rows(rows), header=("unit", *FIGURE_HEADERS), title="By unit", fmt=fmt, filename=filename
        )
    if table == "people":
        return _send(
            reports.names_rows(people, requirement=requirement, status=status),
            header=reports.NAMES_HEADER,
            title="People",
            fmt=fmt,
            filename=filename,
        )
    return _send(
        _trend_rows(trend), header=("month end", *FIGURE_HEADERS), title="Trend", fmt=fmt, filename=filename
    )


# --- a line manager's team -----------------------------------------------------------------------


def _team(request):
    actor = request.user
    form = Filters(request.GET, requirements=(), keep=("status",))
    form.is_valid()
    download = _download(request, form, TEAM_TABLES)
    status = form.chosen("status")
    team = reports.team(actor, status=status)
    if download:
        fmt, table = download
        organisation = actor.organisation.slug if actor.organisation_id else ""
        filename = _filename(organisation, "my-team", table, clock.today().isoformat(), fmt=fmt)
        if table == "requirements":
            return _send(
                _requirement_rows(((r, team.by_requirement[r.pk]) for r in team.requirements), team.overall),
                header=("requirement code", "requirement", *FIGURE_HEADERS),
                title="My team",
                fmt=fmt,
                filename=filename,
            )
        return _send(
            _team_rows(team, status),
            header=reports.NAMES_HEADER,
            title="My team",
            fmt=fmt,
            filename=filename,
        )
    context = {
        "title": "Mandatory training: my team",
        "team": team,
        "form": form,
        "status": status,
        "manager": reports.manager_of_team(actor) is not None,
        "figures_elsewhere": reports.figures_access(actor).anything,
        **_common(),
    }
    template = "compliance/reports/team.html"
    return _bad_request(request, template, context) if form.errors else render(request, template, context)


def _team_rows(team: reports.Team, status: str | None) -> Iterable[tuple]:
    for member in team.members:
        person = member.person
        for requirement in team.requirements:
            row = member.standings.get(requirement.pk)
            if row is None or (status and row.status != status):
                continue
            yield (
                person.staff_number,
                person.get_full_name(),
                person.unit.full_path if person.unit else "",
                f"{requirement.code} {requirement.title}",
                row.status,
                row.due_on,
                row.expires_on,
            )


# --- the national view ---------------------------------------------------------------------------

NATIONAL_TABLES = ("forces", "matrix", "trend")


@login_required
@require_GET
def national(request):
    actor = request.user
    national_body = reports.national_body()
    if not reports.national_reader(actor) or national_body is None:
        raise Http404("No such page")
    requirements = list(reports.national_requirements(national_body))
    form = Filters(request.GET, requirements=requirements, keep=("requirement",))
    form.is_valid()
    download = _download(request, form, NATIONAL_TABLES)
    requirement = form.chosen("requirement")
    figures = reports.national_figures(actor, requirement=requirement)
    trend = reports.national_trend(requirement=requirement)
    if download:
        return _national_download(figures, trend, requirement, *download)
    context = {
        "title": "Mandatory training: every force",
        "figures": figures,
        "form": form,
        "requirement": requirement,
        "trend": trend,
        "trend_chart": _trend_chart(trend, "every force, national requirements"),
        **_common(),
    }
    template = "compliance/reports/national.html"
    return _bad_request(request, template, context) if form.errors else render(request, template, context)


def _national_download(figures: reports.NationalFigures, trend, requirement, fmt: str, table: str):
    about = requirement.code if requirement is not None else ""
    filename = _filename("national", table, about, clock.today().isoformat(), fmt=fmt)
    if table == "forces":
        rows = [((f.organisation.name, "yes" if f.names else "no"), f.figures) for f in figures.forces]
        rows.append((("All forces", ""), figures.overall))
        return _send(
            _figure_rows(rows),
            header=("force", "names shared", *FIGURE_HEADERS),
            title="Forces",
            fmt=fmt,
            filename=filename,
        )
    if table == "matrix":
        shown = [requirement] if requirement is not None else figures.requirements
        matrix = [
            ((f.organisation.name, r.code), f.by_requirement.get(r.pk, Figures()))
            for f in figures.forces
            for r in shown
        ]
        return _send(
            _figure_rows(matrix),
            header=("force", "requirement code", *FIGURE_HEADERS),
            title="Forces by requirement",
            fmt=fmt,
            filename=filename,
        )
    return _send(
        _trend_rows(trend), header=("month end", *FIGURE_HEADERS), title="Trend", fmt=fmt, filename=filename
    )


# --- the forecast --------------------------------------------------------------------------------

FORECAST_TABLES = ("months", "requirements", "units")


@login_required
@require_GET
def forecast_page(request):
    actor = request.user
    if not reports.figures_access(actor).anything:
        raise Http404("No such page")
    level = reports.level_for(
        actor, organisation=request.GET.get("organisation") or None, unit=request.GET.get("unit") or None
    )
    requirements = list(
        Requirement.objects.filter(
            Q(owner=level.organisation) | Q(owner__kind=Organisation.Kind.NATIONAL_BODY)
        ).order_by("code", "pk")
    )
    form = Filters(request.GET, requirements=requirements, keep=("requirement", "from"))
    form.is_valid()
    download = _download(request, form, FORECAST_TABLES)
    start = form.chosen("from") or clock.today().replace(day=1)
    requirement = form.chosen("requirement")
    outlook = None
    if not form.errors:
        outlook = forecast(
            organisation=level.organisation,
            unit=level.unit,
            within=level.tops,
            start=start,
            requirement=requirement,
        )
    if download and outlook is not None:
        return _forecast_download(level, outlook, requirement, *download)
    context = {
        "title": f"Mandatory training falling due: {level.label}",
        "level": level,
        "form": form,
        "start": start,
        "outlook": outlook,
        "requirement": requirement,
        "chart": _forecast_chart(outlook, level.label) if outlook is not None else None,
        "breadcrumbs": _breadcrumbs(actor, level),
        "month": charts.long_month,
        "short_month": charts.short_month,
    }
    template = "compliance/reports/forecast.html"
    return _bad_request(request, template, context) if form.errors else render(request, template, context)


def _forecast_chart(outlook: Forecast, label: str) -> charts.Chart:
    return charts.stacked_bars(
        id="forecast-chart",
        title=f"People falling due each month: {label}",
        months=outlook.months,
        series={
            "Recertifications": [b.recertifications for b in outlook.total.months],
            "First due": [b.first_due for b in outlook.total.months],
        },
        what="people falling due",
    )


def _forecast_rows(lines: Iterable[Line]) -> Iterable[list]:
    for line in lines:
        window = line.in_window
        yield [
            line.label,
            line.overdue.total,
            *(b.total for b in line.months),
            window.total,
            window.recertifications,
            window.first_due,
        ]


def _forecast_download(level: Level, outlook: Forecast, requirement, fmt: str, table: str):
    about = requirement.code if requirement is not None else ""
    filename = _filename("forecast", level.slug, table, about, f"from-{outlook.start:%Y-%m}", fmt=fmt)
    if table == "months":
        rows = [
            (m.isoformat(), b.recertifications, b.first_due, b.total)
            for m, b in zip(outlook.months, outlook.total.months, strict=True)
        ]
        overdue = outlook.total.overdue
        rows.insert(
            0,
            (
                f"before {outlook.start.isoformat()} (already overdue)",
                overdue.recertifications,
                overdue.first_due,
                overdue.total,
            ),
        )
        return _send(
            rows,
            header=("month from", "recertifications", "first due", "total"),
            title="By month",
            fmt=fmt,
            filename=filename,
        )
    header = (
        "requirement" if table == "requirements" else "unit",
        "already overdue",
        *(m.strftime("%Y-%m") for m in outlook.months),
        "total in the months",
        "recertifications",
        "first due",
    )
    lines = outlook.by_requirement if table == "requirements" else outlook.by_unit
    return _send(
        _forecast_rows([*lines, outlook.total]),
        header=header,
        title="By requirement" if table == "requirements" else "By unit",
        fmt=fmt,
        filename=filename,
    )
