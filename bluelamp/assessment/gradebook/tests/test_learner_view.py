"""A learner's own grades: only theirs, only items not hidden, their feedback, the course total
when the course shows it (and no hidden item of theirs is graded); the home page's card when they
have grades, for one query."""

from bluelamp.assessment.gradebook import services
from bluelamp.assessment.gradebook.tests.helpers import quiz_grade
from bluelamp.assessment.gradebook.web.cards import your_grades

MINE = "/assessment/gradebook/mine/"


def test_a_learner_sees_their_own_visible_grades_feedback_and_total(gb, signed_in):
    client = signed_in(gb.bob)
    page = client.get(MINE)
    assert page.status_code == 200 and "GB-1 Course GB-1" in page.text and "2 of 2" in page.text
    assert "65.00%" in page.text
    course = client.get(f"{MINE}{gb.course.uuid}/")
    text = course.text
    assert course.status_code == 200
    assert "Law quiz" in text and "Well argued" in text and "Observation" in text and "Calm" in text
    assert "75.00%" in text and "Pass" in text and "60.00%" in text
    assert "Mock exam" not in text  # hidden from learners
    assert "Ann Archer" not in text and "Archer" not in page.text


def test_a_graded_hidden_item_withholds_the_total_until_it_is_shown(gb, signed_in):
    quiz_grade(gb.secret, gb.bob, 3)
    client = signed_in(gb.bob)
    text = client.get(f"{MINE}{gb.course.uuid}/").text
    assert "The course total will show once all of your grades are released." in text
    assert "Mock exam" not in text and "65.00%" not in text and "30.00%" not in text
    services.item_update(actor=gb.alice, item=gb.secret, weight=1, category=None, hidden=False)
    text = client.get(f"{MINE}{gb.course.uuid}/").text
    # 3 out of 10 is 30%; the course (75 × 1 + 60 × 2 + 30 × 1) / 4 = 56.25%.
    assert "Mock exam" in text and "30.00%" in text and "56.25%" in text


def test_a_course_may_keep_the_total_from_learners(gb, signed_in):
    services.settings_update(
        actor=gb.alice,
        course=gb.course,
        aggregation="weighted_mean",
        missing="exclude",
        pass_percent=None,
        learners_see_total=False,
    )
    text = signed_in(gb.bob).get(f"{MINE}{gb.course.uuid}/").text
    assert "This course does not show learners its total." in text and "65.00%" not in text


def test_other_courses_and_other_peoples_grades_are_not_found(gb, signed_in, charlie):
    assert signed_in(charlie).get(f"{MINE}{gb.course.uuid}/").status_code == 404
    page = signed_in(charlie).get(MINE)
    assert page.status_code == 200 and "GB-1" not in page.text and "You have no grades yet" in page.text


def test_the_home_card_shows_only_with_grades_in_one_query(gb, charlie, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert your_grades(gb.bob) == {"courses": 1}
    with django_assert_num_queries(1):
        assert your_grades(charlie) is None


def test_the_home_page_shows_the_card(gb, signed_in):
    assert "Your grades" in signed_in(gb.bob).get("/").text
