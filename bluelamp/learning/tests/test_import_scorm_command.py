"""bluelamp import-scorm: creates or versions a course; a bad package stores nothing."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bluelamp.learning.api import (
    Activity,
    Course,
    CourseVersion,
    Enrolment,
    Sco,
    ScormPackage,
    enrol_self,
)
from bluelamp.learning.tests.packages import build_package, raw_zip
from conftest import make_org


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import-scorm", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _zip(tmp_path, data: bytes, name="package.zip") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "scorm"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _nothing_stored(settings):
    assert not Course.objects.exists()
    assert not CourseVersion.objects.exists()
    assert not Activity.objects.exists()
    assert not ScormPackage.objects.exists()
    assert not Sco.objects.exists()
    assert _stored_files(settings) == []


def test_creates_and_publishes_a_course(national, tmp_path, settings):
    out, err = _run(_zip(tmp_path, build_package("1.2", scos=2)), "--org", "national", "--course", "sas-01")
    assert out.strip() == "SAS-01 version 1"
    assert err == ""
    course = Course.objects.get(owner=national, code="SAS-01")
    assert course.status == Course.Status.PUBLISHED
    assert course.title == "Stop and search essentials"
    assert course.current_version.number == 1
    activity = course.current_version.activities.get()
    assert activity.kind == Activity.Kind.SCORM
    assert activity.scorm_package.scos.count() == 2
    stored = {p.relative_to(Path(settings.MEDIA_ROOT)).as_posix() for p in _stored_files(settings)}
    prefix = activity.scorm_package.storage_prefix
    assert stored == {prefix + "imsmanifest.xml", prefix + "sco1/index.html", prefix + "sco2/index.html"}


def test_title_option_names_a_new_course(national, tmp_path):
    out, _ = _run(
        _zip(tmp_path, build_package("2004")),
        "--org",
        "national",
        "--course",
        "PS-2",
        "--title",
        "Public safety",
    )
    assert out.strip() == "PS-2 version 1"
    assert Course.objects.get(code="PS-2").title == "Public safety"


def test_importing_again_makes_a_new_version_and_keeps_earlier_enrolments(national, kent, bob, tmp_path):
    _run(_zip(tmp_path, build_package("1.2"), "v1.zip"), "--org", "national", "--course", "SAS-01")
    course = Course.objects.get(code="SAS-01")
    enrolment = enrol_self(person=bob, course=course)

    out, _ = _run(
        _zip(tmp_path, build_package("2004", title="Stop and search, revised"), "v2.zip"),
        "--org",
        "national",
        "--course",
        "SAS-01",
    )
    assert out.strip() == "SAS-01 version 2"
    course.refresh_from_db()
    assert course.current_version.number == 2
    assert [v.number for v in course.versions.order_by("number")] == [1, 2]
    assert course.versions.get(number=1).activities.get().scorm_package.version == "1.2"
    assert course.current_version.activities.get().scorm_package.version == "2004"
    enrolment.refresh_from_db()
    assert enrolment.version.number == 1 and enrolment.status == Enrolment.Status.ACTIVE
    assert ScormPackage.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"this is not a zip", "is not a zip file"),
        (b"", "The file is empty"),
        (raw_zip({"readme.txt": b"hello"}), "There is no imsmanifest.xml at the top level"),
        (build_package("1.2", folder="course/"), 'It was found at "course/imsmanifest.xml"'),
        (
            build_package("1.2", extra_files={"../evil.html": b"x"}),
            '"../evil.html" would be stored outside the package',
        ),
        (raw_zip({"imsmanifest.xml": b"<manifest><broken"}), "is not well-formed XML"),
        (
            raw_zip(
                {
                    "imsmanifest.xml": b'<manifest identifier="M"><metadata><schemaversion>1.1'
                    b"</schemaversion></metadata></manifest>"
                }
            ),
            'schema version "1.1"',
        ),
    ],
)
def test_a_bad_package_is_refused_with_the_reason_and_nothing_is_stored(
    national, tmp_path, settings, data, reason
):
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import-scorm",
            _zip(tmp_path, data),
            "--org",
            "national",
            "--course",
            "SAS-01",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert exit_info.value.code == 1
    assert reason in err.getvalue()
    _nothing_stored(settings)


def test_the_reason_is_written_to_stderr(national, tmp_path, settings):
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import-scorm",
            _zip(tmp_path, raw_zip({"readme.txt": b"hello"}), "bad.zip"),
            "--org",
            "national",
            "--course",
            "SAS-01",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert exit_info.value.code == 1
    assert "bad.zip: the package was refused; nothing was stored." in err.getvalue()
    assert "There is no imsmanifest.xml at the top level of the zip." in err.getvalue()
    _nothing_stored(settings)


def test_a_missing_launch_file_is_refused_and_stores_nothing(national, tmp_path, settings):
    manifest = """<?xml version="1.0"?>
<manifest identifier="M" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2">
  <metadata><schemaversion>1.2</schemaversion></metadata>
  <organizations default="O"><organization identifier="O"><title>T</title>
    <item identifier="I1" identifierref="R1"><title>One</title></item></organization></organizations>
  <resources><resource identifier="R1" type="webcontent" href="missing.html"/></resources>
</manifest>"""
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "import-scorm",
            _zip(tmp_path, raw_zip({"imsmanifest.xml": manifest.encode(), "other.html": b"x"})),
            "--org",
            "national",
            "--course",
            "SAS-01",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert 'launches "missing.html", but there is no such file in the zip' in err.getvalue()
    _nothing_stored(settings)


def test_a_bad_package_for_an_existing_course_leaves_it_as_it_was(national, tmp_path, settings):
    _run(_zip(tmp_path, build_package("1.2"), "good.zip"), "--org", "national", "--course", "SAS-01")
    files_before = sorted(_stored_files(settings))
    with pytest.raises(SystemExit):
        _run(_zip(tmp_path, b"garbage", "bad.zip"), "--org", "national", "--course", "SAS-01")
    course = Course.objects.get(code="SAS-01")
    assert course.versions.count() == 1 and course.current_version.number == 1
    assert ScormPackage.objects.count() == 1
    assert sorted(_stored_files(settings)) == files_before


def test_unknown_organisation_exits_2(national, tmp_path, settings):
    with pytest.raises(CommandError, match="No organisation with slug “nowhere”") as error:
        _run(_zip(tmp_path, build_package()), "--org", "nowhere", "--course", "SAS-01")
    assert error.value.returncode == 2
    _nothing_stored(settings)


def test_missing_file_exits_2(national, tmp_path):
    with pytest.raises(CommandError, match="No such file") as error:
        _run(str(tmp_path / "nope.zip"), "--org", "national", "--course", "SAS-01")
    assert error.value.returncode == 2


def test_bad_course_code_exits_2(national, tmp_path, settings):
    with pytest.raises(CommandError, match="Enter a course code of 1 to 40 letters") as error:
        _run(_zip(tmp_path, build_package()), "--org", "national", "--course", "SAS 01!")
    assert error.value.returncode == 2
    _nothing_stored(settings)


def test_organisation_without_digital_services_licence_cannot_own_courses(db, tmp_path, settings):
    make_org("surrey", "Surrey Police", licences=("PL-P-200",))
    with pytest.raises(CommandError, match="Surrey Police has no PL-P-101") as error:
        _run(_zip(tmp_path, build_package()), "--org", "surrey", "--course", "SAS-01")
    assert error.value.returncode == 2
    _nothing_stored(settings)


def test_licensed_organisation_may_own_its_courses(kent, tmp_path):
    out, _ = _run(_zip(tmp_path, build_package()), "--org", "kent", "--course", "KENT-1")
    assert out.strip() == "KENT-1 version 1"
    assert Course.objects.get(code="KENT-1").owner == kent
