"""localstripe, a fake but stateful Stripe server (PyPI `localstripe`, GPL, a test-only dependency),
and what a test does on the customer's side of a card payment: pay with a test card, sign a webhook.

The server is started by the `localstripe_server` fixture (conftest.py beside this file) as
`python -m bluelamp.events.tests.localstripe --fd N`: this module's `main` serves localstripe's own
aiohttp application on a socket the test process has already bound to 127.0.0.1 on a free port
(localstripe's `localstripe --port N` binds every address, IPv4 and IPv6: no option narrows it).
The socket is inherited, so there is no race for the port, and a request queues until it answers.

What this wrapper changes in localstripe, each where it departs from the real Stripe API (1.15.10):
- nothing is written to /tmp/localstripe.pickle (localstripe saves its whole store there after each
  write and reloads it at start: two test processes, or a run after another, would share state);
- a PaymentIntent accepts `description` (localstripe refuses any parameter it does not know);
- POSTs honour `Idempotency-Key` as Stripe does (localstripe ignores it): the same key with the same
  parameters replays the first answer (header `Idempotent-Replayed: true`), with other parameters
  it is refused (400, `idempotency_error`). A request refused before it ran (400, 401, 404) is not
  kept, as with Stripe.

What localstripe does that Stripe does not, and which the helpers here work around:
- Confirming a PaymentIntent, or creating a PaymentMethod, takes the secret key (Stripe.js does both
  with the publishable key and the client secret), and `confirm` refuses a `payment_method`: so
  `pay_with_test_card` creates the card, sets it on the intent and confirms, all with a secret key.
- The card declined at confirmation is 4000000000000341 (`DECLINED_CARD`); Stripe's generic decline
  card 4000000000000002 is declined only when attached to a customer, and pays an intent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bluelamp.events.gateway import Intent

TEST_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000341"
# Any key of this shape is accepted by localstripe; the browser's own requests use the publishable key.
BROWSER_SECRET_KEY = "sk_test_customer_browser"


# --- the customer's side ---------------------------------------------------------------------------


def _request(base_url: str, method: str, path: str, data: dict[str, str] | None = None) -> tuple[int, dict]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(
        base_url.rstrip("/") + path,
        data=body,
        method=method,
        headers={"Authorization": f"Bearer {BROWSER_SECRET_KEY}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def pay_with_test_card(base_url: str, intent: Intent, card_number: str = TEST_CARD) -> str:
    """Pay `intent` with a test card, as the payment page's Stripe.js would, and return the intent's
    status after it: "succeeded", or "requires_payment_method" when the card was declined (see the
    module's docstring for why this takes a secret key where Stripe.js uses the publishable one)."""
    status, method = _request(
        base_url,
        "POST",
        "/v1/payment_methods",
        {
            "type": "card",
            "card[number]": card_number,
            "card[exp_month]": "12",
            "card[exp_year]": "2034",
            "card[cvc]": "123",
        },
    )
    assert status == 200, method
    status, body = _request(
        base_url, "POST", f"/v1/payment_intents/{intent.id}", {"payment_method": method["id"]}
    )
    assert status == 200, body
    status, body = _request(base_url, "POST", f"/v1/payment_intents/{intent.id}/confirm", {})
    # 402 is a declined card (the intent asks for another payment method): Stripe.js's `error`.
    assert status in (200, 402), body
    status, body = _request(base_url, "GET", f"/v1/payment_intents/{intent.id}")
    assert status == 200, body
    return body["status"]


# --- webhooks --------------------------------------------------------------------------------------


def signed_webhook(payload: dict[str, Any], secret: str, at: int) -> tuple[bytes, str]:
    """The body and `Stripe-Signature` header of a webhook as Stripe sends it at Unix time `at`:
    t=<at>,v1=<hex HMAC-SHA256, keyed with the endpoint's secret, of "<at>.<body>">."""
    body = json.dumps(payload).encode()
    return body, signature_header(body, secret, at)


def signature_header(body: bytes, secret: str, at: int) -> str:
    """The `Stripe-Signature` header of any body (malformed ones too) sent at Unix time `at`."""
    signature = hmac.new(secret.encode(), b"%d.%s" % (at, body), hashlib.sha256).hexdigest()
    return f"t={at},v1={signature}"


def register_webhook(
    base_url: str, url: str, secret: str, *, name: str = "bluelamp", events: list[str] | None = None
) -> None:
    """Have localstripe post its events (those named in `events`, or all) to `url`, signed with
    `secret`, a second after each happens. Registering `name` again replaces it; `events=[]` stops it
    (localstripe has no way to remove one)."""
    data: dict[str, Any] = {"url": url, "secret": secret}
    if events is not None:
        data["events"] = events
    request = urllib.request.Request(
        base_url.rstrip("/") + f"/_config/webhooks/{name}",
        data=json.dumps(data).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


# --- the server ------------------------------------------------------------------------------------


def _patched_app() -> Any:
    """localstripe's aiohttp application, with the changes listed in the module's docstring."""
    from aiohttp import web
    from localstripe import resources, server

    # No store on disk.
    resources.Store.dump_to_disk = lambda self: None
    resources.Store.try_load_from_disk = lambda self: None

    # A PaymentIntent's description.
    original_init = resources.PaymentIntent.__init__

    def payment_intent_init(self, *args, description=None, **kwargs):
        original_init(self, *args, **kwargs)
        self.description = description

    resources.PaymentIntent.__init__ = payment_intent_init

    # Idempotency keys.
    kept: dict[tuple[str, str], tuple[tuple[str, str, bytes], int, bytes]] = {}

    @web.middleware
    async def idempotency(request, handler):
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key:
            return await handler(request)
        scope = (request.headers.get("Authorization", ""), key)
        call = (request.method, request.path_qs, await request.read())
        if scope in kept:
            first_call, status, body = kept[scope]
            if first_call != call:
                error = {
                    "type": "idempotency_error",
                    "message": "Keys for idempotent requests can only be used with the same "
                    "parameters they were first used with.",
                }
                return web.json_response({"error": error}, status=400)
            return web.Response(
                body=body,
                status=status,
                content_type="application/json",
                headers={"Idempotent-Replayed": "true"},
            )
        response = await handler(request)
        if response.status not in (400, 401, 404, 409) and response.status < 500:
            kept[scope] = (call, response.status, response.body)
        return response

    server.app.middlewares.insert(0, idempotency)
    return server.app


def main(argv: list[str] | None = None) -> None:
    import argparse
    import socket

    from aiohttp import web

    parser = argparse.ArgumentParser(description="localstripe on 127.0.0.1, for Bluelamp's tests")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--fd", type=int, help="serve on this inherited, listening socket")
    where.add_argument("--port", type=int, default=8420, help="bind 127.0.0.1 on this port")
    args = parser.parse_args(argv)
    if args.fd is not None:
        sock = socket.socket(fileno=args.fd)
    else:
        sock = socket.create_server(("127.0.0.1", args.port))
    web.run_app(_patched_app(), sock=sock, print=None, access_log=None)


if __name__ == "__main__":
    main()
