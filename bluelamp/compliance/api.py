"""What other domains may use of mandatory training. (Its pages, REST API, jobs and demo data plug
themselves in through bluelamp/compliance/plugins.py, so nothing here is for those.)"""

from bluelamp.compliance.evaluation import evaluate_people
from bluelamp.compliance.forecast import Forecast, forecast
from bluelamp.compliance.models import Assignment, Exemption, Extension, Requirement, Status
from bluelamp.compliance.selectors import access_requirement, requirements_visible
from bluelamp.compliance.services import (
    CourseChoice,
    RequirementInput,
    exemption_grant,
    extension_grant,
    requirement_save,
)

__all__ = [
    "Assignment",
    "CourseChoice",
    "Exemption",
    "Extension",
    "Forecast",
    "Requirement",
    "RequirementInput",
    "Status",
    "access_requirement",
    "evaluate_people",
    "exemption_grant",
    "extension_grant",
    "forecast",
    "requirement_save",
    "requirements_visible",
]
