"""The shapes of the gradebook's API responses. Grades and percentages are numbers (two decimal
places), not the strings DRF gives decimals by default; uuids name courses, categories, items and
people as on the pages."""

from rest_framework import serializers


def _number(help_text: str, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text=help_text,
        **kwargs,
    )


class GradebookSettingsSerializer(serializers.Serializer):
    aggregation = serializers.CharField(help_text="weighted_mean or simple_mean")
    missing = serializers.CharField(
        help_text="How grades not given yet count: exclude (left out; the grade is incomplete) or zero"
    )
    pass_percent = _number("The course grade (a percentage) needed to pass; null: no pass grade")
    learners_see_total = serializers.BooleanField()


class GradeCategorySerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    weight = serializers.DecimalField(max_digits=7, decimal_places=3, coerce_to_string=False)
    order = serializers.IntegerField()


class GradeItemSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    source = serializers.CharField(help_text="quiz, assignment or manual (graded by hand in the gradebook)")
    source_key = serializers.CharField(
        help_text="The quiz's or assignment's uuid (for a manual item, its own key)"
    )
    max_grade = _number("The grade for full marks")
    pass_grade = _number("The item's pass grade; null: none")
    category = serializers.UUIDField(source="category.uuid", allow_null=True, default=None)
    weight = serializers.DecimalField(max_digits=7, decimal_places=3, coerce_to_string=False)
    order = serializers.IntegerField()
    hidden = serializers.BooleanField(help_text="Hidden from learners")


class CourseRefSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    code = serializers.CharField()
    title = serializers.CharField()


class CourseGradebookSerializer(serializers.Serializer):
    course = CourseRefSerializer()
    settings = GradebookSettingsSerializer()
    categories = GradeCategorySerializer(many=True)
    items = GradeItemSerializer(many=True)


class CourseGradeSerializer(serializers.Serializer):
    percent = _number("The course grade, a percentage; null: nothing graded yet that counts")
    graded = serializers.IntegerField(help_text="How many of the items that count are graded")
    expected = serializers.IntegerField(help_text="How many items count")
    complete = serializers.BooleanField(help_text="Every item that counts is graded")
    passed = serializers.BooleanField(
        allow_null=True, help_text="Against the course pass grade, once complete; null: not decided"
    )


class CategoryGradeSerializer(serializers.Serializer):
    category = serializers.UUIDField()
    percent = _number("The category's grade, a percentage; null: nothing in it graded yet")


class GradeSerializer(serializers.Serializer):
    item = serializers.UUIDField()
    grade = _number("The grade that counts: the override when there is one, else the source's")
    from_source = _number("The grade the quiz or assignment gave (or entered by hand); null: not graded yet")
    overridden = serializers.BooleanField()
    override_reason = serializers.CharField(allow_blank=True)
    overridden_at = serializers.DateTimeField(allow_null=True)
    feedback = serializers.CharField(allow_blank=True)
    graded_at = serializers.DateTimeField(allow_null=True)


class LearnerGradesSerializer(serializers.Serializer):
    person = serializers.IntegerField(help_text="The person's id, as under /people/")
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    staff_number = serializers.CharField(allow_blank=True)
    organisation = serializers.CharField(help_text="The learner's organisation's name")
    unit = serializers.CharField(allow_blank=True, help_text="The learner's unit's path; blank: none")
    course_grade = CourseGradeSerializer()
    categories = CategoryGradeSerializer(many=True)
    grades = GradeSerializer(many=True)


class MyItemSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    category = serializers.CharField(allow_null=True, help_text="The category's name; null: none")
    max_grade = _number("The grade for full marks")
    pass_grade = _number("The item's pass grade; null: none")
    grade = _number("Your grade; null: not graded yet")
    percent = _number("Your grade as a percentage of the maximum")
    feedback = serializers.CharField(allow_blank=True)
    graded_at = serializers.DateTimeField(allow_null=True)


class MyCourseGradesSerializer(serializers.Serializer):
    course = CourseRefSerializer()
    course_grade = CourseGradeSerializer(
        allow_null=True, help_text="Null when the course does not show learners its total (or not yet)"
    )
    items = MyItemSerializer(many=True)
