"""The outsider cases of mandatory training's scheduled e-mailed reports (see
tests/test_every_url_has_an_outsider.py): Kent has a weekly report going to Alice; Essex's people
and someone signed out must neither see, change nor delete it, nor see it listed."""

from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case


def _schedule(w, rest=""):
    return f"/compliance/schedules/{w.kent_schedule.uuid}/{rest}"


CASES = {
    "compliance/schedules/": Case(
        lambda w: "/compliance/schedules/",
        OWN,
        why="the scheduled reports of the organisations whose mandatory training the reader manages",
    ),
    "compliance/schedules/new/": Case(
        lambda w: "/compliance/schedules/new/",
        OWN,
        methods=("get", "post"),
        why="a new scheduled report of the reader's own organisation",
    ),
    "compliance/schedules/<>/": Case(lambda w: _schedule(w), REFUSED, methods=("get", "post")),
    "compliance/schedules/<>/delete/": Case(
        lambda w: _schedule(w, "delete/"), REFUSED, methods=("get", "post")
    ),
}


def build(w) -> None:
    from bluelamp.compliance.schedules import ScheduleInput, report_schedule_save
    from bluelamp.compliance.tests.helpers import AT

    w.kent_schedule = report_schedule_save(
        actor=w.alice,
        organisation=w.kent,
        data=ScheduleInput(frequency="weekly", format="csv", recipients="alice@kent.police.uk", unit=w.unit),
        at=AT,
    )
