"""Open Badges 3.0 documents as JSON-ready dicts: issuer profile, achievement, credential, status list.

Each function builds exactly one kind of document with the contexts it needs and refuses
input that would make a credential other verifiers reject (naive datetimes, a key controlled
by someone else, an unknown status purpose). Nothing is signed here: see `proofs.sign`.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

from .contexts import MULTIKEY_V1, OB_V3P0, VC_V2

__all__ = [
    "ACHIEVEMENT_TYPES",
    "CONTROLLER_TERMS",
    "CREDENTIAL_CONTEXT",
    "STATUS_PURPOSES",
    "achievement",
    "achievement_credential",
    "format_datetime",
    "identity_object",
    "issuer_profile",
    "status_entry",
    "status_list_credential",
]

CREDENTIAL_CONTEXT = [VC_V2, OB_V3P0]
# The verification relationships a controller document needs, as the W3C Controlled
# Identifiers context (https://www.w3.org/ns/cid/v1) defines them. No npm package ships
# that context, so the profile carries these two terms inline; verifiers that frame the
# profile with the security vocabulary (as Digital Bazaar's do) find its keys.
CONTROLLER_TERMS: dict[str, Any] = {
    "assertionMethod": {
        "@id": "https://w3id.org/security#assertionMethod",
        "@type": "@id",
        "@container": "@set",
    },
    "verificationMethod": {"@id": "https://w3id.org/security#verificationMethod", "@type": "@id"},
}
PROFILE_CONTEXT: list[Any] = [VC_V2, OB_V3P0, MULTIKEY_V1, CONTROLLER_TERMS]
STATUS_PURPOSES = ("revocation", "suspension")
# The AchievementType vocabulary of Open Badges 3.0; other values must be extensions ("ext:…").
ACHIEVEMENT_TYPES = frozenset(
    "Achievement ApprenticeshipCertificate Assessment Assignment AssociateDegree Award Badge "
    "BachelorDegree Certificate CertificateOfCompletion Certification CommunityService Competency "
    "Course CoCurricular Degree Diploma DoctoralDegree Fieldwork GeneralEducationDevelopment "
    "JourneymanCertificate LearningProgram License Membership ProfessionalDoctorate "
    "QualityAssuranceCredential MasterCertificate MasterDegree MicroCredential ResearchDoctorate "
    "SecondarySchoolDiploma".split()
)
_EXTENSION_TYPE = re.compile(r"ext:[a-zA-Z0-9._-]+")


def format_datetime(moment: datetime) -> str:
    """An aware datetime as an XML Schema dateTimeStamp in UTC to the second ("2026-12-05T15:00:00Z")."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"datetime {moment.isoformat()} has no time zone; credentials need an aware datetime"
        )
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_profile(
    *,
    issuer_id: str,
    name: str,
    url: str | None,
    email: str | None,
    image: str | None,
    description: str | None,
    verification_methods: list[dict[str, Any]],
) -> dict[str, Any]:
    """The issuer's Profile, hosted at `issuer_id`, that is also the controller document of its keys.

    Every method given is embedded and listed in `assertionMethod`: list retired keys too for
    as long as credentials they signed should verify.
    """
    methods = []
    for method in verification_methods:
        if method.get("controller") != issuer_id:
            raise ValueError(
                f"verification method {method.get('id')!r} is controlled by {method.get('controller')!r}, "
                f"not by the issuer {issuer_id!r}"
            )
        methods.append({key: value for key, value in method.items() if key != "@context"})
    profile: dict[str, Any] = {
        "@context": PROFILE_CONTEXT,
        **_profile_fields(issuer_id, name, url, email, image),
    }
    if description:
        profile["description"] = description
    profile["verificationMethod"] = methods
    profile["assertionMethod"] = [method["id"] for method in methods]
    return profile


def achievement(
    *,
    achievement_id: str,
    name: str,
    description: str,
    criteria_narrative: str,
    achievement_type: str | None,
    image: str | None,
    creator: dict[str, Any] | None,
) -> dict[str, Any]:
    """An Achievement definition, hosted at `achievement_id` and embedded in each credential."""
    if achievement_type is not None and not (
        achievement_type in ACHIEVEMENT_TYPES or _EXTENSION_TYPE.fullmatch(achievement_type)
    ):
        raise ValueError(
            f"achievement type {achievement_type!r} is neither an Open Badges AchievementType "
            "(such as 'Certificate', 'Course', 'Competency') nor an extension of the form 'ext:Name'"
        )
    document: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "name": name,
        "description": description,
        "criteria": {"narrative": criteria_narrative},
    }
    if achievement_type:
        document["achievementType"] = achievement_type
    if image:
        document["image"] = {"id": image, "type": "Image"}
    if creator:
        document["creator"] = _embeddable(creator)
    return document


def identity_object(email: str, salt: str) -> dict[str, Any]:
    """An IdentityObject naming the learner by a salted SHA-256 of their e-mail address.

    The address is trimmed and lower-cased first, so anyone who knows it and the salt (which
    travels in the object) can confirm it, and nobody can read it. Use a fresh random salt
    per credential so that two credentials of one learner cannot be linked by their hash.
    """
    if not salt:
        raise ValueError("an identity hash needs a salt; use a random one per credential")
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${digest}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


def achievement_credential(
    *,
    credential_id: str,
    issuer: dict[str, Any],
    achievement: dict[str, Any],
    subject_id: str | None,
    subject_identifier: dict[str, Any] | None,
    name: str,
    valid_from: datetime,
    valid_until: datetime | None,
    status: dict[str, Any] | None,
) -> dict[str, Any]:
    """An unsigned OpenBadgeCredential awarding `achievement` to one learner.

    `issuer` may be the whole hosted profile: its keys and contexts are left out of the copy
    embedded in the credential. The learner is named by `subject_id` (a URI such as a DID),
    by `subject_identifier` (see `identity_object`), or both.
    """
    if not subject_id and not subject_identifier:
        raise ValueError("a credential subject needs subject_id or subject_identifier")
    if valid_until is not None and valid_until <= valid_from:
        raise ValueError(
            f"valid_until {valid_until.isoformat()} is not after valid_from {valid_from.isoformat()}"
        )
    subject: dict[str, Any] = {}
    if subject_id:
        subject["id"] = subject_id
    subject["type"] = ["AchievementSubject"]
    if subject_identifier:
        subject["identifier"] = [subject_identifier]
    subject["achievement"] = _embeddable(achievement)
    credential: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": _embeddable(issuer),
        "validFrom": format_datetime(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    credential["name"] = name
    credential["credentialSubject"] = subject
    if status is not None:
        credential["credentialStatus"] = status
    return credential


def status_entry(*, list_credential_url: str, index: int, purpose: str = "revocation") -> dict[str, Any]:
    """The `credentialStatus` of a credential whose status is bit `index` of the list at the URL."""
    _check_purpose(purpose)
    if index < 0:
        raise ValueError(f"status list index {index} is negative")
    return {
        "id": f"{list_credential_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_credential_url,
    }


def status_list_credential(
    *, list_id: str, issuer_id: str, encoded_list: str, valid_from: datetime, purpose: str = "revocation"
) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential carrying `encoded_list` (see `statuslist.encode`)."""
    _check_purpose(purpose)
    return {
        "@context": [VC_V2],
        "id": list_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": format_datetime(valid_from),
        "credentialSubject": {
            "id": f"{list_id}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded_list,
        },
    }


def _profile_fields(
    issuer_id: str, name: str, url: str | None, email: str | None, image: str | None
) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": issuer_id, "type": ["Profile"], "name": name}
    if url:
        fields["url"] = url
    if email:
        fields["email"] = email
    if image:
        fields["image"] = {"id": image, "type": "Image"}
    return fields


def _embeddable(document: dict[str, Any]) -> dict[str, Any]:
    """A hosted document as it is embedded in another: without its contexts or its keys."""
    left_out = {"@context", "verificationMethod", "assertionMethod", "proof"}
    return {key: value for key, value in document.items() if key not in left_out}


def _check_purpose(purpose: str) -> None:
    if purpose not in STATUS_PURPOSES:
        raise ValueError(f"status purpose {purpose!r} is not one of {', '.join(STATUS_PURPOSES)}")
