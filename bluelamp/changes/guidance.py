"""What the service management intent says of changes, shown as guidance where people raise and
decide them (seeds/000, "Change management"), word for word."""

from django.db import models


class Category(models.TextChoices):
    KNOWN_ERROR = "known_error", "Known error"
    SECURITY = "security", "Security"
    HOSTING = "hosting", "Hosting"
    ENHANCEMENTS = "enhancements", "Enhancements"
    CONFIGURATION = "configuration", "Configuration"
    DOCUMENTATION = "documentation", "Documentation"
    FUNCTIONALITY = "functionality", "Functionality"
    DATA = "data", "Data"


class ChangePriority(models.IntegerChoices):
    EMERGENCY = 1, "1 – Emergency"
    URGENT = 2, "2 – Urgent"
    NORMAL = 3, "3 – Normal"
    LOW = 4, "4 – Low"


PRIORITY_GUIDANCE = {
    ChangePriority.EMERGENCY: (
        "Causing loss of service or severe problems to a large number of customers, whereby immediate "
        "action is required, or related to security assurance."
    ),
    ChangePriority.URGENT: (
        "Severely affecting some customers or affecting a large number of customers, whereby prompt "
        "action is required."
    ),
    ChangePriority.NORMAL: "No severe impact on customers but needs to be rectified in the next release or upgrade.",
    ChangePriority.LOW: (
        "A change is justified and necessary, but can wait for a scheduled release or maintenance cycle."
    ),
}

CHANGE_MANAGEMENT = (
    "All changes are prioritised, scheduled and authorised at a Change Advisory Board (CAB). Changes are "
    "planned, developed, and tested before they are deployed to the live system."
)
