"""Writing courses: the course, its versions, its activities and SCORM packages.

A version is edited while it is a draft; publishing freezes it and makes it the version new
enrolments take. Changing a published course means starting a new version (a copy of the latest
one), editing that and publishing it: enrolments already made stay on the version they took, and
their completions are recorded against it.
"""

from __future__ import annotations

import hashlib
import re
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.learning.kinds import registered_kind, registered_kinds
from bluelamp.learning.models import Activity, Course, CourseVersion, Sco, ScormPackage, Tag
from bluelamp.learning.scorm import storage
from bluelamp.learning.scorm.package import Package, PackageError, read_package
from bluelamp.learning.selectors import manage_access, may_manage_course
from bluelamp.organisations.api import Organisation, has_own_domain

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")
CODE_RULE = "1 to 40 letters, digits or hyphens, starting with a letter or digit"
MAX_TAGS = 10


def _require_manage(actor, owner: Organisation) -> None:
    if actor is None:
        return  # operator commands (import-scorm) run as the system
    if not manage_access(actor).covers_organisation(owner.pk):
        raise PermissionDenied("You cannot manage courses of this organisation.")


def _check_owner(owner: Organisation) -> None:
    if not owner.is_national_body and not has_own_domain(owner):
        raise ValidationError(
            {
                "owner": f"{owner.name} has no PL-P-101 Digital Services licence in force, so it cannot own courses."
            }
        )


def _tags(names) -> list[Tag]:
    if isinstance(names, str):
        names = names.split(",")
    cleaned = []
    for name in names or []:
        name = " ".join(str(name).split()).lower()
        if name and name not in cleaned:
            if len(name) > 50:
                raise ValidationError({"tags": f'The tag "{name[:20]}…" is too long: at most 50 characters.'})
            cleaned.append(name)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": f"At most {MAX_TAGS} tags, separated by commas."})
    return [Tag.objects.get_or_create(name=name)[0] for name in cleaned]


def _audit(actor, action: str, course: Course, **after) -> None:
    audit_record(actor=actor, action=action, organisation=course.owner, obj=course, after=after or None)


def course_create(
    *,
    actor,
    owner: Organisation,
    code: str,
    title: str,
    summary: str = "",
    audience: str = "",
    duration_minutes: int | None = None,
    tags=(),
    self_enrolment: bool = True,
    completion_rule: str = CourseVersion.CompletionRule.ALL,
) -> Course:
    """A new draft course with an empty draft version 1."""
    _require_manage(actor, owner)
    _check_owner(owner)
    code = (code or "").strip().upper()
    if not CODE.match(code):
        raise ValidationError({"code": f"Enter a course code of {CODE_RULE}."})
    course = Course(
        owner=owner,
        code=code,
        title=(title or "").strip(),
        summary=(summary or "").strip(),
        audience=(audience or "").strip(),
        duration_minutes=duration_minutes,
        self_enrolment=self_enrolment,
    )
    # Constraints too: the (owner, code) one is checked below with a message that names both.
    course.full_clean(exclude=["current_version"], validate_unique=False, validate_constraints=False)
    if Course.objects.filter(owner=owner, code=code).exists():
        raise ValidationError({"code": f"{owner.name} already has a course with the code {code}."})
    if completion_rule not in CourseVersion.CompletionRule.values:
        raise ValidationError({"completion_rule": "Choose how the course is completed."})
    try:
        with transaction.atomic():
            course.save()
            course.tags.set(_tags(tags))
            CourseVersion.objects.create(
                course=course, number=1, completion_rule=completion_rule, created_by=actor
            )
            _audit(actor, "course.create", course, code=code, title=course.title)
    except IntegrityError:
        raise ValidationError({"code": f"{owner.name} already has a course with the code {code}."}) from None
    return course


def course_update(
    *,
    actor,
    course: Course,
    title: str,
    summary: str = "",
    audience: str = "",
    duration_minutes: int | None = None,
    tags=(),
    self_enrolment: bool = True,
) -> Course:
    if actor is not None and not may_manage_course(actor, course):
        raise PermissionDenied("You cannot manage this course.")
    before = {"title": course.title, "self_enrolment": course.self_enrolment}
    course.title = (title or "").strip()
    course.summary = (summary or "").strip()
    course.audience = (audience or "").strip()
    course.duration_minutes = duration_minutes
    course.self_enrolment = self_enrolment
    course.updated_at = timezone.now()
    course.full_clean(exclude=["current_version"], validate_unique=False)
    with transaction.atomic():
        course.save()
        course.tags.set(_tags(tags))
        audit_record(
            actor=actor,
            action="course.update",
            organisation=course.owner,
            obj=course,
            before=before,
            after={"title": course.title, "self_enrolment": course.self_enrolment},
        )
    return course


def course_set_status(*, actor, course: Course, status: str) -> Course:
    """Retire a course (no new enrolments; everything taken stays) or bring it back."""
    if actor is not None and not may_manage_course(actor, course):
        raise PermissionDenied("You cannot manage this course.")
    if status not in (Course.Status.PUBLISHED, Course.Status.RETIRED):
        raise ValidationError({"status": "A course can be published or retired."})
    if status == Course.Status.PUBLISHED and course.current_version_id is None:
        raise ValidationError({"status": "Publish a version of the course first."})
    with transaction.atomic():
        before = course.status
        course.status = status
        course.updated_at = timezone.now()
        course.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="course.status",
            organisation=course.owner,
            obj=course,
            before={"status": before},
            after={"status": status},
        )
    return course


def draft_version(course: Course) -> CourseVersion | None:
    return course.versions.filter(published_at__isnull=True).order_by("-number").first()


def version_start(*, actor, course: Course) -> CourseVersion:
    """The course's draft version: the existing one, or a new copy of the latest version."""
    if actor is not None and not may_manage_course(actor, course):
        raise PermissionDenied("You cannot manage this course.")
    with transaction.atomic():
        Course.objects.select_for_update().get(pk=course.pk)
        draft = draft_version(course)
        if draft is not None:
            return draft
        latest = course.versions.order_by("-number").first()
        draft = CourseVersion.objects.create(
            course=course,
            number=(latest.number + 1) if latest else 1,
            completion_rule=latest.completion_rule if latest else CourseVersion.CompletionRule.ALL,
            created_by=actor,
        )
        if latest is not None:
            for activity in latest.activities.order_by("order"):
                activity.pk = None
                activity.version = draft
                activity.save()
        _audit(actor, "course.version.start", course, version=draft.number)
    return draft


def _require_draft(actor, version: CourseVersion) -> None:
    if actor is not None and not may_manage_course(actor, version.course):
        raise PermissionDenied("You cannot manage this course.")
    if version.is_published:
        raise ValidationError(
            f"Version {version.number} is published and can no longer change; start a new version to make changes."
        )


def version_update(*, actor, version: CourseVersion, completion_rule: str, notes: str = "") -> CourseVersion:
    _require_draft(actor, version)
    if completion_rule not in CourseVersion.CompletionRule.values:
        raise ValidationError({"completion_rule": "Choose how the course is completed."})
    before = version.completion_rule
    version.completion_rule = completion_rule
    version.notes = (notes or "").strip()
    with transaction.atomic():
        version.save(update_fields=["completion_rule", "notes"])
        audit_record(
            actor=actor,
            action="course.version.update",
            organisation=version.course.owner,
            obj=version.course,
            before={"completion_rule": before},
            after={"version": version.number, "completion_rule": completion_rule},
        )
    return version


def version_publish(*, actor, version: CourseVersion, at=None) -> CourseVersion:
    """Freeze the draft and make it the version new enrolments take."""
    _require_draft(actor, version)
    activities = list(version.activities.all())
    problems = []
    if not activities:
        problems.append("Add at least one activity before publishing.")
    if version.completion_rule == CourseVersion.CompletionRule.REQUIRED and not any(
        a.required for a in activities
    ):
        problems.append('The course is completed by its required activities, but none is marked "required".')
    if problems:
        raise ValidationError(problems)
    course = version.course
    with transaction.atomic():
        Course.objects.select_for_update().get(pk=course.pk)
        version.published_at = at or timezone.now()
        version.save(update_fields=["published_at"])
        course.current_version = version
        if course.status == Course.Status.DRAFT:
            course.status = Course.Status.PUBLISHED
        course.updated_at = timezone.now()
        course.save(update_fields=["current_version", "status", "updated_at"])
        _audit(actor, "course.version.publish", course, version=version.number)
    return version


ACTIVITY_FIELDS = {
    Activity.Kind.SCORM: "scorm_package",
    Activity.Kind.PAGE: "body",
    Activity.Kind.MEDIA: "file",
    Activity.Kind.FILE: "file",
    Activity.Kind.LINK: "url",
}


def _check_activity(activity: Activity) -> None:
    errors: dict[str, str] = {}
    registered = registered_kind(activity.kind)
    if activity.kind not in Activity.Kind.values and registered is None:
        labels = [str(label) for label in Activity.Kind.labels] + [k.label for k in registered_kinds()]
        errors["kind"] = "Choose the kind of activity: " + ", ".join(labels) + "."
    elif registered is not None and not activity.target:
        errors["kind"] = (
            f"A {registered.label.lower()} activity must say which {registered.label.lower()} it is."
        )
    elif registered is None and activity.target:
        errors["kind"] = "Only a quiz-like activity another part of Bluelamp adds has a target."
    elif activity.kind == Activity.Kind.SCORM and not activity.scorm_package_id:
        errors["scorm_package"] = "Upload the SCORM package (.zip) for this activity."
    elif activity.kind == Activity.Kind.PAGE and not activity.body.strip():
        errors["body"] = "Enter the page's text."
    elif activity.kind in (Activity.Kind.MEDIA, Activity.Kind.FILE) and not activity.file:
        errors["file"] = "Upload the file."
    elif activity.kind == Activity.Kind.MEDIA and not activity.body.strip():
        errors["body"] = "Enter a transcript: video and audio need one for people who cannot hear or see it."
    elif activity.kind == Activity.Kind.LINK and not activity.url:
        errors["url"] = "Enter the web address, starting with https://."
    if (
        activity.kind == Activity.Kind.LINK
        and activity.url
        and not activity.url.startswith(("https://", "http://"))
    ):
        errors["url"] = "Enter a web address starting with https:// or http://."
    if not activity.title.strip():
        errors["title"] = "Enter a title."
    if errors:
        raise ValidationError(errors)


def activity_add(
    *,
    actor,
    version: CourseVersion,
    kind: str,
    title: str,
    required: bool = True,
    body: str = "",
    scorm_package: ScormPackage | None = None,
    file=None,
    url: str = "",
    target: str = "",
) -> Activity:
    """Add an activity at the end of the draft. `target` is for kinds another domain registered
    (kinds.py): the key of the quiz or assignment the activity stands for."""
    _require_draft(actor, version)
    activity = Activity(
        version=version,
        kind=kind,
        title=(title or "").strip(),
        required=required,
        body=body or "",
        scorm_package=scorm_package,
        url=(url or "").strip(),
        target=(target or "").strip(),
    )
    if file is not None:
        activity.file = file
    _check_activity(activity)
    if scorm_package is not None and scorm_package.owner_id != version.course.owner_id:
        raise ValidationError({"scorm_package": "The package belongs to another organisation."})
    with transaction.atomic():
        CourseVersion.objects.select_for_update().get(pk=version.pk)
        activity.order = (version.activities.aggregate(m=Max("order"))["m"] or 0) + 1
        activity.full_clean(exclude=["file"])
        activity.save()
        _audit(actor, "course.activity.add", version.course, version=version.number, title=activity.title)
    return activity


def activity_update(
    *,
    actor,
    activity: Activity,
    title: str,
    required: bool,
    body: str = "",
    url: str = "",
    file=None,
    scorm_package: ScormPackage | None = None,
) -> Activity:
    """Edit a draft's activity; `scorm_package` replaces an e-learning activity's package (the
    old package stays stored: earlier versions may still use it)."""
    _require_draft(actor, activity.version)
    activity.title = (title or "").strip()
    activity.required = required
    activity.body = body or ""
    activity.url = (url or "").strip()
    if file is not None:
        activity.file = file
    if scorm_package is not None:
        if activity.kind != Activity.Kind.SCORM:
            raise ValidationError({"scorm_package": "Only an e-learning activity has a SCORM package."})
        if scorm_package.owner_id != activity.version.course.owner_id:
            raise ValidationError({"scorm_package": "The package belongs to another organisation."})
        activity.scorm_package = scorm_package
    _check_activity(activity)
    with transaction.atomic():
        activity.save()
        _audit(
            actor,
            "course.activity.update",
            activity.version.course,
            version=activity.version.number,
            title=activity.title,
            required=activity.required,
        )
    return activity


def activity_move(*, actor, activity: Activity, up: bool) -> None:
    _require_draft(actor, activity.version)
    siblings = list(activity.version.activities.order_by("order"))
    index = next(i for i, a in enumerate(siblings) if a.pk == activity.pk)
    other = index - 1 if up else index + 1
    if other < 0 or other >= len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    with transaction.atomic():
        # Two passes so the (version, order) unique constraint never sees a duplicate.
        for position, item in enumerate(siblings, start=1):
            Activity.objects.filter(pk=item.pk).update(order=position + 10_000)
        for position, item in enumerate(siblings, start=1):
            Activity.objects.filter(pk=item.pk).update(order=position)
        _audit(
            actor,
            "course.activity.move",
            activity.version.course,
            version=activity.version.number,
            title=activity.title,
            direction="up" if up else "down",
        )


def activity_remove(*, actor, activity: Activity) -> None:
    _require_draft(actor, activity.version)
    with transaction.atomic():
        course = activity.version.course
        activity.delete()
        _audit(actor, "course.activity.remove", course, version=activity.version.number, title=activity.title)


# --- SCORM packages ------------------------------------------------------------------------------


def _sha256(upload: IO[bytes]) -> str:
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def package_upload(*, actor, owner: Organisation, upload: IO[bytes], file_name: str) -> ScormPackage:
    """Check the zip, store its files and record the package; on any problem, nothing is kept.

    Raises PackageError (what is wrong with the package) or PermissionDenied.
    """
    _require_manage(actor, owner)
    return _package_store(
        actor=actor, owner=owner, upload=upload, file_name=file_name, parsed=read_package(upload)
    )


def _package_store(
    *, actor, owner: Organisation, upload: IO[bytes], file_name: str, parsed: Package
) -> ScormPackage:
    """Store the files of the zip `read_package` has checked (`parsed`) and record the package."""
    package = ScormPackage(
        owner=owner,
        version=parsed.version,
        schema_version=parsed.schema_version,
        identifier=parsed.identifier[:200],
        title=parsed.title,
        file_name=(file_name or "package.zip")[-255:],
        sha256=_sha256(upload),
        size_bytes=_size(upload),
        unpacked_bytes=parsed.uncompressed_bytes,
        file_count=parsed.files,
        uploaded_by=actor,
    )
    prefix = package.storage_prefix
    try:
        storage.store_package(upload, prefix)
    except BaseException:
        # Everything under the new package's prefix, the file being written when it failed too
        # (store_package removes only the ones it finished).
        storage.delete_package(prefix)
        raise
    try:
        with transaction.atomic():
            package.save()
            Sco.objects.bulk_create(
                [
                    Sco(
                        package=package,
                        order=position,
                        identifier=sco.identifier[:200],
                        title=sco.title[:200],
                        href=sco.href,
                        parameters=sco.parameters,
                        is_sco=sco.is_sco,
                        depth=sco.depth,
                        mastery_score=sco.mastery_score,
                        scaled_passing_score=sco.scaled_passing_score,
                        completion_threshold=sco.completion_threshold,
                        launch_data=sco.launch_data,
                    )
                    for position, sco in enumerate(parsed.scos, start=1)
                ]
            )
            audit_record(
                actor=actor,
                action="learning.package.upload",
                organisation=owner,
                obj=package,
                after={
                    "title": package.title,
                    "version": package.schema_version,
                    "files": package.file_count,
                },
            )
    except BaseException:
        storage.delete_package(prefix)
        raise
    return package


def _size(upload: IO[bytes]) -> int:
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    return size


def course_import_scorm(
    *, actor, owner: Organisation, code: str, upload: IO[bytes], file_name: str, title: str = ""
) -> tuple[Course, CourseVersion]:
    """Create the course from a package, or give an existing course a new version made of it;
    published either way. All or nothing: a bad package leaves no course, version or file."""
    code = (code or "").strip().upper()
    if not CODE.match(code):
        raise ValidationError({"code": f"Enter a course code of {CODE_RULE}."})
    _require_manage(actor, owner)
    _check_owner(owner)
    parsed = read_package(upload)  # fail before anything is stored
    stored_prefix: list[str] = []
    try:
        with transaction.atomic():
            package = _package_store(
                actor=actor, owner=owner, upload=upload, file_name=file_name, parsed=parsed
            )
            stored_prefix.append(package.storage_prefix)
            course = Course.objects.select_for_update().filter(owner=owner, code=code).first()
            if course is None:
                course = course_create(
                    actor=actor, owner=owner, code=code, title=(title or parsed.title)[:200]
                )
                version = course.versions.get(number=1)
            else:
                draft = draft_version(course)
                if draft is not None and draft.activities.exists():
                    raise ValidationError(
                        f"{course.code} has an unpublished draft (version {draft.number}) with activities; "
                        "publish or remove them on the course's page first, so that no one's work is overwritten."
                    )
                version = version_start(actor=actor, course=course)
                # The new version is this package alone (copied activities of the last version go).
                for activity in list(version.activities.all()):
                    activity.delete()
            activity_add(
                actor=actor,
                version=version,
                kind=Activity.Kind.SCORM,
                title=parsed.title,
                scorm_package=package,
            )
            version_publish(actor=actor, version=version)
            course.refresh_from_db()
    except BaseException:
        for prefix in stored_prefix:
            storage.delete_package(prefix)
        raise
    return course, version


__all__ = [
    "PackageError",
    "activity_add",
    "activity_move",
    "activity_remove",
    "activity_update",
    "course_create",
    "course_import_scorm",
    "course_set_status",
    "course_update",
    "draft_version",
    "package_upload",
    "version_publish",
    "version_start",
    "version_update",
]
