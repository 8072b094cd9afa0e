"""What other domains may use of certificates and badges. (Its pages, REST API, jobs and demo
data plug themselves in through bluelamp/credentials/plugins.py, so nothing here is for those.)

A domain above credentials (programmes) registers its kind of achievement and, when someone
achieves one, asks for their certificate with `certificate_for_achievement`."""

from bluelamp.credentials.achievements import Achievement, AchievementKind, register_achievement_kind
from bluelamp.credentials.models import Certificate, CertificateTemplate
from bluelamp.credentials.selectors import certificates_of
from bluelamp.credentials.services import certificate_for_achievement

__all__ = [
    "Achievement",
    "AchievementKind",
    "Certificate",
    "CertificateTemplate",
    "certificate_for_achievement",
    "certificates_of",
    "register_achievement_kind",
]
