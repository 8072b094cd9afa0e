"""The dashboard's tables as datasets, for CSV and XLSX downloads.

Figures are numbers (percentages as whole numbers, blank where there is nothing to divide); text
cells that a spreadsheet would run as a formula are escaped by bluelamp.core.exports.
"""

from __future__ import annotations

from bluelamp.core.exports import SafeDataset, dataset
from bluelamp.servicedesk.reporting.selectors import PRIORITIES, AdviserKpis, Ratio, WeekKpis, WeeklyVolumes
from bluelamp.servicedesk.sla import SLA_POLICIES, Priority

RESOLUTION_PRIORITIES = [p for p in PRIORITIES if SLA_POLICIES[Priority(p)].resolution is not None]


def _ratio(ratio: Ratio) -> list:
    return [ratio.total, ratio.met, "" if ratio.percent is None else ratio.percent]


def kpi_headers() -> list[str]:
    headers = [
        "Week commencing",
        "Adviser",
        "First responses",
        "Within 2 working days",
        "Within 2 working days (%)",
        "Calls taken",
        "Calls logged as tickets",
        "Calls logged as tickets (%)",
        "Tickets resolved",
        "Resolved at first line",
        "Resolved at first line (%)",
    ]
    for p in PRIORITIES:
        headers += [f"{p} response targets", f"{p} responses on time", f"{p} responses on time (%)"]
    for p in RESOLUTION_PRIORITIES:
        headers += [f"{p} resolution targets", f"{p} resolved on time", f"{p} resolved on time (%)"]
    headers += ["Survey responses", "Average satisfaction (1 to 5)", "Satisfied, 4 or 5 (%)"]
    return headers


def _satisfaction(satisfaction) -> list:
    share = satisfaction.satisfied_share.percent
    average = satisfaction.average
    return [satisfaction.responses, "" if average is None else average, "" if share is None else share]


def kpi_rows(kpis: WeekKpis) -> list[tuple[str, AdviserKpis]]:
    """The table's rows in order: advisers, the unanswered tickets (if any), the whole desk."""
    rows = [(k.name, k) for k in kpis.advisers]
    unattributed = kpis.unattributed
    if unattributed.satisfaction.responses or any(
        r.total for r in [*unattributed.sla_response.values(), *unattributed.sla_resolution.values()]
    ):
        rows.append(("No adviser yet (unanswered tickets)", unattributed))
    rows.append(("Whole desk", kpis.desk))
    return rows


def kpi_dataset(kpis: WeekKpis) -> SafeDataset:
    data = dataset(headers=kpi_headers(), title="KPIs")
    for name, row in kpi_rows(kpis):
        cells = [kpis.week_start.isoformat(), name]
        cells += (
            _ratio(row.initial_response) + _ratio(row.contacts_logged) + _ratio(row.first_line_resolution)
        )
        for p in PRIORITIES:
            cells += _ratio(row.sla_response[p])
        for p in RESOLUTION_PRIORITIES:
            cells += _ratio(row.sla_resolution[p])
        cells += _satisfaction(row.satisfaction)
        data.append(cells)
    return data


def volumes_dataset(volumes: WeeklyVolumes) -> SafeDataset:
    headers = ["Week commencing"]
    headers += [f"Category: {name}" for name in volumes.by_category]
    headers += [f"Priority: {p}" for p in volumes.by_priority]
    headers.append("Total")
    data = dataset(headers=headers, title="Tickets logged per week")
    for i, week in enumerate(volumes.weeks):
        by_priority = [values[i] for values in volumes.by_priority.values()]
        data.append(
            [
                week.isoformat(),
                *(values[i] for values in volumes.by_category.values()),
                *by_priority,
                sum(by_priority),
            ]
        )
    return data
