"""Mandatory training's "done when", end to end in headless chromium, as the people who use it:

1. Kent's training administrator creates "First aid refresher, yearly" (FA: Kent's first-aid
   course, valid 12 months, a 60-day recertification window, first due 30 days after joining) for
   Kent's constables and sergeants, previews who it takes in, and saves it;
2. she filters its people to those overdue (their history, imported, lapsed), opens one and
   exempts him with a reason: he shows as Exempt;
3. she sees the national Taser refresher of an officer whose first aid lapsed shown as Suspended,
   and why;
4. she opens the forecast: FA's recertifications and first due dates month by month, in the
   chart and in its table;
5. a constable who never did first aid finds it on her home page, completes the course, and
   shows as Compliant on the next page she loads;
6. the weekly digest runs (this week's Monday): her sergeant, their line manager, is e-mailed the
   team's due and overdue, and finds it under Notifications;
7. the national body's platform administrator sees every force side by side.

The page fixture fails the test on any Content-Security-Policy violation.

Dates: the pages read today's date, so everything is built relative to the day the test runs
(`timezone.localdate()`, read once below) and every date asserted is worked out from it; nothing
assumes which day, month or weekday that is.
"""

import datetime as dt
from collections import Counter

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from bluelamp.compliance.models import Assignment, Requirement
from bluelamp.compliance.reminders import DIGEST, date_in_words, manager_digests_send
from bluelamp.compliance.rules import add_months
from bluelamp.compliance.tests.helpers import make_requirement
from bluelamp.core.timefmt import format_date
from bluelamp.learning.api import import_history
from bluelamp.learning.tests.courses import publish_course
from bluelamp.notifications.api import OutgoingEmail
from bluelamp.people.api import person_create
from conftest import LONDON, make_org, make_person, with_mfa
from tests.browser.fixtures import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
FA_TITLE = "First aid refresher, yearly"


def officer(org, first, last, staff_number, *, rank="Police Constable", job_role="", line_manager=None):
    """A force's officer as HR would add them (rank, job role, line manager), who may sign in."""
    person = person_create(
        actor=None,
        organisation=org,
        email=f"{first.lower()}@{org.slug}.police.uk",
        first_name=first,
        last_name=last,
        staff_number=staff_number,
        rank=rank,
        job_role=job_role,
        line_manager=line_manager,
        check_access=False,
    )
    person.set_password(PASSWORD)
    person.save(update_fields=["password"])
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    return person


def history(org, rows, *, at):
    """Completions from the force's previous learning system, through learning's history import."""
    lines = ["email,course_code,completed_on"] + [f"{p.email},{c.code},{on.isoformat()}" for p, c, on in rows]
    result = import_history(
        actor=None,
        organisation=org,
        data="\n".join(lines).encode(),
        apply=True,
        check_access=False,
        at=at,
    )
    assert result.ok and result.created == len(rows), result.errors


def cells(row) -> list[str]:
    return [text.strip() for text in row.locator("td").all_inner_texts()]


def month_of(day: dt.date, start: dt.date) -> int:
    return (day.year - start.year) * 12 + day.month - start.month


def test_mandatory_training_from_setting_up_to_the_national_view(page, settings, national, platform_admin):
    settings.AXES_ENABLED = False
    now = timezone.now()
    today = timezone.localdate(now)

    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    # --- Kent and Essex, their people, courses, history and the national requirements ----------
    kent, essex = make_org("kent", "Kent Police"), make_org("essex", "Essex Police")
    tina = make_person(
        kent, "tina@kent.police.uk", first="Tina", last="Trainer", staff_number="K1", roles=["training_admin"]
    )
    sam = officer(kent, "Sam", "Gravesend", "K10", rank="Sergeant")
    olly = officer(kent, "Olly", "Ashford", "K11", line_manager=sam)
    owen = officer(kent, "Owen", "Barton", "K12", line_manager=sam)
    dora = officer(kent, "Dora", "Chatham", "K13", line_manager=sam)
    rita = officer(kent, "Rita", "Deal", "K14", line_manager=sam)
    lena = officer(kent, "Lena", "Faversham", "K15", line_manager=sam)
    tom = officer(kent, "Tom", "Tonbridge", "K20", rank="Inspector", job_role="Taser officer")
    eve = officer(essex, "Eve", "Colchester", "E1")
    officer(essex, "Ed", "Harlow", "E2")

    kent_first_aid = publish_course(kent, tina, "KFA-01", title="First aid refresher")
    pst_course = publish_course(national, None, "PST-01", title="Personal safety training")
    nfa_course = publish_course(national, None, "NFA-01", title="First aid for Taser officers")
    taser_course = publish_course(national, None, "TASER-01", title="Taser refresher")
    history(
        kent,
        [
            (olly, kent_first_aid, ago(400)),  # lapsed about 35 days ago: overdue
            (owen, kent_first_aid, ago(380)),  # lapsed about 15 days ago: overdue
            (dora, kent_first_aid, ago(340)),  # expires in about 25 days: due
            (rita, kent_first_aid, ago(100)),  # compliant for about 9 months
            (tom, pst_course, ago(100)),
            (tom, nfa_course, ago(400)),  # his first aid lapsed...
            (tom, taser_course, ago(100)),  # ...while his Taser refresher runs
        ],
        at=now,
    )
    history(essex, [(eve, pst_course, ago(30))], at=now)
    yearly = {"validity_months": 12, "window_days": 60}
    pst = make_requirement(
        national,
        "PST",
        [pst_course],
        title="Personal safety training, yearly",
        first_due_days=90,
        at=now,
        **yearly,
    )
    # The national Taser refresher needs the national body's own PST and first aid: a national
    # requirement builds only on national ones (the service refuses a force's FA as its prerequisite).
    taser_officers = {"job_roles": ["Taser officer"]}
    national_first_aid = make_requirement(
        national,
        "FA",
        [nfa_course],
        title="First aid for Taser officers, yearly",
        audience=taser_officers,
        first_due_days=30,
        at=now,
        **yearly,
    )
    make_requirement(
        national,
        "TASER",
        [taser_course],
        title="Taser refresher, yearly",
        audience=taser_officers,
        first_due_days=30,
        prerequisites=[pst, national_first_aid],
        at=now,
        **yearly,
    )

    # --- 1. The training administrator sets up FA, previewing who it applies to ------------------
    sign_in(page, tina.email, PASSWORD, with_mfa(tina))
    page.get_by_role("link", name="Mandatory training", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mandatory training: Kent Police")
    page.get_by_role("link", name="Mandatory training requirements").click()
    page.get_by_role("button", name="Create a requirement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a requirement")
    page.get_by_label("Code").fill("FA")
    page.get_by_label("Title").fill(FA_TITLE)
    page.get_by_label("KFA-01 First aid refresher").check()
    page.get_by_label("People who match the rules below").check()
    page.get_by_label("Police Constable", exact=True).check()
    page.get_by_label("Sergeant", exact=True).check()
    page.get_by_role("button", name="Preview who this applies to").click()
    preview = page.locator("#audience-preview")
    expect(preview.locator("#preview-total")).to_have_text("6 people would be in the audience.")
    expect(preview.locator("#preview-joining")).to_have_text("6 people would join")
    joining = preview.locator("#preview-joining-table tbody tr td:first-child").all_inner_texts()
    assert sorted(joining) == [
        "Dora Chatham",
        "Lena Faversham",
        "Olly Ashford",
        "Owen Barton",
        "Rita Deal",
        "Sam Gravesend",
    ]  # not the administrator (no rank), nor the inspector
    assert not Requirement.objects.filter(owner=kent).exists()  # a preview saves nothing

    page.get_by_label("A number of days after they join the audience").check()
    page.get_by_role("textbox", name="Number of days").fill("30")
    page.get_by_label("Valid for (months)").fill("12")
    page.get_by_label("Recertification window (days before expiry)").fill("60")
    page.get_by_role("button", name="Create the requirement").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("FA created.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"FA {FA_TITLE}")
    expect(page.locator("#requirement-audience")).to_contain_text("Police Constable")
    expect(page.locator("#requirement-audience")).to_contain_text("Sergeant")
    expect(page.locator("#requirement-courses")).to_have_text("KFA-01 First aid refresher")
    first_aid = Requirement.objects.get(owner=kent, code="FA")
    assert (first_aid.validity_months, first_aid.window_days, first_aid.first_due_days) == (12, 60, 30)
    assert first_aid.audience["ranks"] == ["Police Constable", "Sergeant"]

    # --- 2. Who is overdue: the history imported says two; one of them is exempted ---------------
    # Each count links to the people in that status (its link says so to screen readers).
    counts = {
        cells(row)[0]: cells(row)[1].split()[0] for row in page.locator("#status-counts tbody tr").all()
    }
    assert counts == {
        "Overdue": "2",
        "Due": "3",
        "Suspended": "0",
        "Assigned": "0",
        "Compliant": "1",
        "Exempt": "0",
    }, counts
    page.select_option("#status", "overdue")
    page.get_by_role("button", name="Filter").click()
    people = page.locator("#people-table tbody tr")
    expect(people).to_have_count(2)
    assert [cells(row)[0] for row in people.all()] == ["Olly Ashford", "Owen Barton"]
    assert {cells(row)[3] for row in people.all()} == {"Overdue"}
    assert cells(people.first)[4] == format_date(add_months(ago(400), 12))  # due: when it lapsed

    page.get_by_role("link", name="Olly Ashford").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mandatory training of Olly Ashford")
    olly_fa = page.locator("#requirement-fa-kent")
    expect(olly_fa.locator(".govuk-tag")).to_have_text("Overdue")
    olly_fa.get_by_role("link", name="Exempt from FA").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grant an exemption")
    expect(page.get_by_label("Requirement", exact=True)).to_have_value(str(first_aid.uuid))
    assert_accessible(page, "the exemption form")
    page.get_by_label("Reason").fill("On long-term sick leave until occupational health clear his return.")
    page.get_by_role("button", name="Grant the exemption").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Olly Ashford is exempt from FA from {format_date(today)}."
    )
    expect(olly_fa.locator(".govuk-tag")).to_have_text("Exempt")
    expect(olly_fa).to_contain_text("No end date")
    expect(page.locator("#exemptions-current")).to_contain_text("On long-term sick leave")
    assert_accessible(page, "a person's mandatory training, with an exemption")

    # --- 3. The Taser refresher of an officer whose first aid lapsed is suspended ---------------
    page.get_by_role("link", name="Mandatory training", exact=True).first.click()
    page.locator("#requirements-table").get_by_role("link", name="TASER Taser refresher, yearly").click()
    taser_people = page.locator("#people-table tbody tr")
    expect(taser_people).to_have_count(1)
    assert cells(taser_people.first)[0] == "Tom Tonbridge" and cells(taser_people.first)[3] == "Suspended"
    page.get_by_role("link", name="Tom Tonbridge").click()
    tom_taser = page.locator("#requirement-taser")
    expect(tom_taser.locator(".govuk-tag")).to_have_text("Suspended")
    expect(tom_taser).to_contain_text("Because First aid for Taser officers, yearly (FA) has lapsed.")
    expect(page.locator("#requirement-pst .govuk-tag")).to_have_text("Compliant")
    expect(page.locator("#requirement-fa .govuk-tag")).to_have_text("Overdue")

    # --- 4. The forecast: FA's recertifications and first due dates, month by month -------------
    page.get_by_role("link", name="Mandatory training", exact=True).first.click()
    page.get_by_role("link", name="What falls due in the next 12 months").click()
    page.get_by_label("Requirement", exact=True).select_option(label=f"FA {FA_TITLE}")
    page.get_by_role("button", name="Show").click()
    start = today.replace(day=1)
    months = [add_months(start, k) for k in range(12)]
    expect(page.locator("#months-table caption")).to_have_text(
        f"People falling due each month from {start:%B %Y}: FA {FA_TITLE}"
    )
    # Who falls due when, from the dates above (Olly is exempt: no seat needed).
    falling_due = [
        (add_months(ago(380), 12), "Recertifications"),  # Owen
        (add_months(ago(340), 12), "Recertifications"),  # Dora
        (add_months(ago(100), 12), "Recertifications"),  # Rita
        (today + dt.timedelta(days=30), "First due"),  # Lena
        (today + dt.timedelta(days=30), "First due"),  # Sam
    ]
    expected = Counter(
        (months[month_of(due, start)] if due >= start else None, kind) for due, kind in falling_due
    )
    assert sum(n for (month, _), n in expected.items() if month is not None) >= 4  # the year ahead
    rows = page.locator("#months-table tbody tr")
    expect(rows).to_have_count(13)
    shown = {row.locator("th").inner_text(): cells(row) for row in rows.all()}

    def figures(month):
        recertifications, first_due = expected[(month, "Recertifications")], expected[(month, "First due")]
        return [str(recertifications), str(first_due), str(recertifications + first_due)]

    assert shown == {
        f"Already overdue (due before {format_date(start)})": figures(None),
        **{f"{m:%B %Y}": figures(m) for m in months},
    }
    chart = page.locator("figure.bl-chart svg[role=img]")
    expect(chart).to_have_count(1)
    bars = sorted(chart.locator("rect > title").all_text_contents())
    assert bars == sorted(
        f"{month:%B %Y}, {kind}: {n}" for (month, kind), n in expected.items() if month is not None
    )

    # --- 5. A constable completes first aid: compliant on the next page she loads ---------------
    page.context.clear_cookies()
    sign_in(page, lena.email, PASSWORD)
    expect(page.locator("#mandatory-training-counts")).to_contain_text("1 due soon")
    page.get_by_role("link", name="See your mandatory training").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My mandatory training")
    lena_fa = page.locator("#requirement-fa-kent")
    expect(lena_fa.locator(".govuk-tag")).to_have_text("Due")
    expect(lena_fa).to_contain_text(format_date(today + dt.timedelta(days=30)))
    lena_fa.get_by_role("link", name="First aid refresher").click()
    page.locator("#enrol").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Page 1")
    page.get_by_role("link", name="Next activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Page 2")  # the last page: done
    page.goto("/compliance/people/me/")
    expect(lena_fa.locator(".govuk-tag")).to_have_text("Compliant")
    assert_accessible(page, "my mandatory training")
    assert cells(lena_fa)[1:] == [
        format_date(add_months(today, 12)),  # due again when it expires
        format_date(add_months(today, 12)),
        format_date(today),
    ]

    # --- 6. The weekly digest: the sergeant hears of his team's due and overdue ------------------
    monday = today - dt.timedelta(days=today.weekday())
    assert manager_digests_send(at=dt.datetime.combine(monday, dt.time(7, 0), tzinfo=LONDON)) == 1
    subject = f"Your team's mandatory training, week of {format_date(monday)}: 1 overdue and 1 due"
    owen_due, dora_due = date_in_words(add_months(ago(380), 12)), date_in_words(add_months(ago(340), 12))
    queued = OutgoingEmail.objects.get(kind=DIGEST)  # queued through notifications...
    assert (queued.to, queued.subject) == ([sam.email], subject)
    (email,) = [m for m in mail.outbox if m.subject == subject]  # ...and delivered after commit
    assert email.to == [sam.email]
    assert f"- Owen Barton (K12): FA {FA_TITLE}, overdue, due {owen_due}" in email.body
    assert f"- Dora Chatham (K13): FA {FA_TITLE}, due, due {dora_due}" in email.body
    for settled in ("Olly Ashford", "Lena Faversham", "Rita Deal"):  # exempt, just done, in date
        assert settled not in email.body

    page.context.clear_cookies()
    sign_in(page, sam.email, PASSWORD)
    page.goto("/notifications/")
    digest = page.locator("main tbody tr", has=page.get_by_role("link", name=subject))
    expect(digest).to_have_count(1)
    expect(digest).to_contain_text(f"Owen Barton: FA {FA_TITLE}, overdue (due {owen_due})")
    expect(digest).to_contain_text(f"Dora Chatham: FA {FA_TITLE}, due (due {dora_due})")
    expect(digest.locator(".govuk-tag")).to_have_text("Unread")

    # --- 7. The national body sees every force side by side -------------------------------------
    page.context.clear_cookies()
    sign_in(page, platform_admin.email, PASSWORD, with_mfa(platform_admin))
    page.goto("/compliance/national/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mandatory training: every force")
    forces = {
        row.locator("th").inner_text(): cells(row) for row in page.locator("#forces-table tbody tr").all()
    }
    # People in audience, % compliant, compliant, due, overdue, assigned, suspended, exempt, names.
    assert forces == {
        # Eve compliant and Ed assigned on PST.
        "Essex Police": ["2", "50%", "1", "0", "0", "1", "0", "0", "Figures only"],
        # PST: Tom compliant, the other seven assigned; Tom's first aid overdue, his Taser suspended.
        "Kent Police": ["10", "10%", "1", "0", "1", "7", "1", "0", "Figures only"],
        "All forces": ["12", "16.6%", "2", "0", "1", "8", "1", "0", ""],
    }
    assert Assignment.objects.filter(requirement__owner=national, in_audience=True).count() == 12
