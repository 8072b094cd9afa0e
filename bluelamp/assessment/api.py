"""What other domains may use of assessment (its pages, REST API, activity kinds, jobs and demo
data plug themselves in through bluelamp/assessment/plugins.py, so nothing here is for those)."""

from bluelamp.assessment.banks.models import Bank, Question, QuestionVersion

__all__ = ["Bank", "Question", "QuestionVersion"]
