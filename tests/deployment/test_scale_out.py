"""Bluelamp scales out on standard parts: two app servers and two task workers behind nginx, on
one PostgreSQL, Redis and S3-compatible object store (tests/deployment/stack.py starts each as a
real process). Through the proxy, as a person would:

a. signed in on one app server, they are signed in on the other;
b. a file uploaded through one app server is downloaded from the other, and is in the bucket,
   not on a disk;
c. forty e-mails queued by forty requests each arrive once, every task run once, by both workers;
d. a worker killed in the middle of a task loses nothing: the other runs it to the end, once.

Run by .ci/run in a stage of its own (BLUELAMP_DEPLOYMENT_TEST=1); skipped in the suite.
BLUELAMP_DEPLOYMENT_KEEP=1 keeps the deployment's directory (logs, nginx's config) afterwards.
"""

import os
import re
import signal
import time
from collections import Counter

import pytest

from tests.deployment import stack

ENABLED = os.environ.get("BLUELAMP_DEPLOYMENT_TEST") == "1"
MISSING = stack.missing() if ENABLED else []

pytestmark = [
    pytest.mark.skipif(
        not ENABLED, reason="the scale-out test starts real servers: BLUELAMP_DEPLOYMENT_TEST=1 (see .ci/run)"
    ),
    pytest.mark.skipif(bool(MISSING), reason=f"the scale-out test needs {', '.join(MISSING)}"),
]

TICKETS = 40
REFERENCE = re.compile(r"BL-\d{4}-\d{6}")
# How long the slow task may take to be done after its worker is killed: the killed worker's
# heartbeat goes stale after LOST_AFTER_SECONDS, the next beat puts the task back, the other worker
# claims it within its interval and sleeps its 3 s again; and room for a busy machine.
LOST_WAIT = stack.LOST_AFTER_SECONDS + 3 * stack.HEARTBEAT_SECONDS + 3 + 15


@pytest.fixture(scope="module")
def deployment(request):
    with stack.deployment() as running:
        failed_before = request.session.testsfailed
        yield running
        if request.session.testsfailed > failed_before:
            print("\n" + stack.logs_tail(running))


@pytest.fixture(scope="module")
def person(deployment):
    """A browser signed in through the proxy with the sign-in form (allauth, CSRF and all)."""
    browser = stack.Browser()
    proxy = deployment.proxy()
    page = browser.send(proxy, "GET", "/accounts/login/")
    assert page.status == 200, page.text[:500]
    token = stack.FormFields(page.text).first("csrfmiddlewaretoken")
    signed_in = browser.send(
        proxy,
        "POST",
        "/accounts/login/",
        fields={"login": stack.PERSON_EMAIL, "password": stack.PERSON_PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert signed_in.status == 302, f"sign-in answered {signed_in.status}: {signed_in.text[:800]}"
    assert signed_in.headers["Location"] == "/"
    assert "sessionid" in browser.cookies
    return browser


def _support_form(browser, deployment, answers: list) -> dict[str, str]:
    page = browser.send(deployment.proxy(), "GET", "/service-desk/support/")
    assert page.status == 200, page.text[:500]
    answers.append(page)
    fields = stack.FormFields(page.text)
    return {
        "csrfmiddlewaretoken": fields.first("csrfmiddlewaretoken"),
        "type": fields.first("type"),
        "category": fields.first("category"),
        "impact": fields.first("impact"),
        "urgency": fields.first("urgency"),
    }


def _raise_ticket(browser, deployment, *, subject: str, attachment: bytes | None = None) -> list:
    """The support form, fetched and sent: both answers (the form's page, then the redirect)."""
    answers: list = []
    fields: dict = {
        **_support_form(browser, deployment, answers),
        "subject": subject,
        "description": f"{subject}.",
    }
    if attachment is not None:
        fields["attachments"] = ("scale-out.txt", attachment, "text/plain")
    answer = browser.send(deployment.proxy(), "POST", "/service-desk/support/", fields=fields, multipart=True)
    assert answer.status == 302, f"raising a ticket answered {answer.status}: {answer.text[:800]}"
    assert answer.headers["Location"] == "/service-desk/support/sent/"
    return [*answers, answer]


def test_a_person_signed_in_on_one_app_server_is_signed_in_on_the_other(deployment, person):
    # Through the proxy, round robin: the signed-in page, answered by each app server in turn.
    proxy = deployment.proxy()
    answered = set()
    for _ in range(4):
        page = person.send(proxy, "GET", "/service-desk/my-tickets/")
        assert page.status == 200, f"{page.status}: {page.headers.get('Location')}"
        assert "Sign out" in page.text or "sign out" in page.text.lower()
        answered.add(deployment.upstream_of(page.request_id))
    assert answered == {deployment.app_address(0), deployment.app_address(1)}

    # And each app server directly, with the session cookie the proxy's answer set.
    for n in (0, 1):
        page = person.send(deployment.app_server(n), "GET", "/service-desk/my-tickets/")
        assert page.status == 200, f"app server {n + 1}: {page.status} {page.headers.get('Location')}"
    # Without the cookie it is the sign-in page (the pages above were not public).
    stranger = stack.Browser().send(deployment.app_server(1), "GET", "/service-desk/my-tickets/")
    assert stranger.status == 302 and stranger.headers["Location"].startswith("/accounts/login/")


def test_the_proxy_speaks_https_only_and_serves_the_content_origin_apart(deployment):
    import urllib3

    plain = urllib3.HTTPConnectionPool("127.0.0.1", deployment.http_port, retries=False).request(
        "GET", "/service-desk/?q=1", headers={"Host": stack.SITE_HOST}, redirect=False
    )
    assert plain.status == 301
    assert plain.headers["Location"] == f"https://{stack.SITE_HOST}/service-desk/?q=1"
    # SCORM content's host name: its own certificate (checked for that name), the same app
    # servers, which answer nothing of the site there and set no cookie.
    content = deployment.content_origin().request(
        "GET", "/service-desk/my-tickets/", headers={"Host": stack.CONTENT_HOST}, redirect=False
    )
    assert content.status == 404
    assert "Set-Cookie" not in content.headers
    assert deployment.upstream_of(content.headers["X-Request-ID"]) in {
        deployment.app_address(0),
        deployment.app_address(1),
    }


def test_a_file_uploaded_through_one_app_server_is_served_by_the_other(deployment, person):
    content = (f"Scale-out attachment {time.time_ns()}\n" * 200).encode()
    *_, upload = _raise_ticket(person, deployment, subject="Scale-out upload", attachment=content)
    uploaded_on = deployment.upstream_of(upload.request_id)

    sent = person.send(deployment.proxy(), "GET", "/service-desk/support/sent/")
    reference = REFERENCE.search(sent.text).group(0)  # type: ignore[union-attr]
    ticket = person.send(deployment.proxy(), "GET", f"/service-desk/my-tickets/{reference}/")
    assert ticket.status == 200
    link = re.search(rf'href="(/service-desk/tickets/{reference}/attachments/\d+/)"', ticket.text)
    assert link, "the ticket's page links no attachment"

    other = 1 if uploaded_on == deployment.app_address(0) else 0
    assert deployment.app_address(other) != uploaded_on
    download = person.send(deployment.app_server(other), "GET", link.group(1))
    assert download.status == 200 and download.body == content
    through_proxy = person.send(deployment.proxy(), "GET", link.group(1))
    assert through_proxy.status == 200 and through_proxy.body == content

    # In the bucket; on no disk.
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=deployment.s3_endpoint,
        region_name="eu-west-2",
        aws_access_key_id="deployment-test",
        aws_secret_access_key="deployment-test-secret",  # noqa: S106
    )
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=deployment.bucket).get("Contents", [])]
    stored = [
        key for key in keys if s3.get_object(Bucket=deployment.bucket, Key=key)["Body"].read() == content
    ]
    assert len(stored) == 1, f"the file is not in the bucket once: {keys}"
    on_disk = [path for path in deployment.media_root.rglob("*") if path.is_file()]
    assert on_disk == [], f"uploaded files on the local disk: {on_disk}"


def test_each_task_runs_once_with_two_workers(deployment, person):
    health = person.send(deployment.proxy(), "GET", "/health/ready")
    assert health.status == 200
    assert health.text and '"2 workers; ' in health.text, health.text

    answered = set()
    subjects = [f"Scale-out ticket {n:02d}" for n in range(TICKETS)]
    for subject in subjects:
        for answer in _raise_ticket(person, deployment, subject=subject):
            answered.add(deployment.upstream_of(answer.request_id))
    assert answered == {deployment.app_address(0), deployment.app_address(1)}

    def acknowledged():
        got = [message["Subject"] for _, message in deployment.inbox.messages()]
        return all(any(subject in line for line in got) for subject in subjects) and got

    stack.wait_until("an acknowledgement of every ticket", acknowledged, timeout=90)
    stack.wait_until(
        "every task finished",
        lambda: all(status in ("SUCCESSFUL", "FAILED") for _, status, _, _ in deployment.tasks()),
        timeout=60,
    )
    messages = [message for _, message in deployment.inbox.messages()]
    for subject in subjects:
        copies = [m for m in messages if subject in m["Subject"]]
        assert len(copies) == 1, f"{subject}: {len(copies)} e-mails"
        assert copies[0]["To"] == stack.PERSON_EMAIL
    message_ids = Counter(m["Message-ID"] for m in messages)
    assert max(message_ids.values()) == 1, "an e-mail went out twice"

    tasks = deployment.tasks()
    assert len(tasks) >= TICKETS
    assert {status for _, status, _, _ in tasks} == {"SUCCESSFUL"}, tasks
    assert all(len(worker_ids) == 1 for _, _, worker_ids, _ in tasks), "a task was run twice"
    by_worker = Counter(worker_ids[0] for _, _, worker_ids, _ in tasks)
    assert set(by_worker) == {"worker-1", "worker-2"}, f"tasks run by {dict(by_worker)}"


def test_a_worker_killed_in_the_middle_of_a_task_loses_nothing(deployment, person):
    trace = deployment.root / "slow-task.txt"
    task_id = (
        deployment.python("enqueue-slow", "tests.deployment.run", "slow", str(trace), "3")
        .strip()
        .splitlines()[-1]
    )

    def claimed():
        rows = [row for row in deployment.tasks() if row[0] == task_id]
        return rows and rows[0][1] == "RUNNING" and trace.exists() and rows[0][2]

    worker_ids = stack.wait_until("a worker to start the slow task", claimed, timeout=20)
    victim_name = worker_ids[-1]
    victim = deployment.processes[victim_name]
    survivor_name = ({"worker-1", "worker-2"} - {victim_name}).pop()
    survivor = deployment.processes[survivor_name]
    assert trace.read_text() == f"started {victim.pid}\n"  # it is the claiming worker that runs it

    os.kill(victim.pid, signal.SIGKILL)  # mid-sleep: no chance to tidy up
    victim.popen.wait(timeout=10)

    stack.wait_until("the slow task done", lambda: "done" in trace.read_text(), timeout=LOST_WAIT)
    stack.wait_until(
        "the slow task recorded as finished",
        lambda: [row for row in deployment.tasks() if row[0] == task_id][0][1] == "SUCCESSFUL",
        timeout=10,
    )
    assert trace.read_text().splitlines() == [
        f"started {victim.pid}",
        f"started {survivor.pid}",
        f"done {survivor.pid}",
    ]
    [(_, status, ids, _)] = [row for row in deployment.tasks() if row[0] == task_id]
    assert (status, ids) == ("SUCCESSFUL", [victim_name, survivor_name])
    assert f"Task {task_id} put back in the queue: its worker {victim_name} was lost" in survivor.log_text()
    # No other task was touched, and the health check now counts one worker.
    assert all(len(row[2]) == 1 for row in deployment.tasks() if row[0] != task_id)
    health = person.send(deployment.proxy(), "GET", "/health/ready")
    assert '"1 worker; ' in health.text, health.text


def test_a_worker_stopped_gracefully_is_not_taken_for_lost(deployment):
    worker = next(p for name, p in deployment.processes.items() if name.startswith("worker") and p.running())
    worker.terminate()  # SIGTERM, as systemd and Kubernetes stop it
    assert worker.popen.wait(timeout=20) == 0
    assert (
        deployment.query("SELECT worker_id FROM operations_workerheartbeat WHERE worker_id = %s", worker.name)
        == []
    )
    assert f"Worker {worker.name} stopped" in worker.log_text()
