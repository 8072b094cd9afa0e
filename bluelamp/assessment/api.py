"""What other domains may use of assessment (its pages, REST API, activity kinds, jobs and demo
data plug themselves in through bluelamp/assessment/plugins.py, so nothing here is for those)."""

from bluelamp.assessment.banks.models import Bank, Question, QuestionVersion
from bluelamp.assessment.referrals import ReferredWork, referred_work, referred_work_of

__all__ = ["Bank", "Question", "QuestionVersion", "ReferredWork", "referred_work", "referred_work_of"]
