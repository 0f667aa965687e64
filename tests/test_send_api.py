"""core.send()/deliver() against hostile servers and messages: partial delivery, upload timeouts,
8-bit negotiation, and nothing but DeliveryError escaping (issue 11, points 9, 17, 18)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from email import message_from_bytes, message_from_string, policy
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Any

import pytest
from fakes.smtp_servers import HOST, AioSMTPServer, FaultServer, TestCerts
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_mail_gui.core import PartialDelivery as ExportedPartialDelivery
from crm_mail_gui.core import send as core_send
from crm_mail_gui.core.api import send
from crm_mail_gui.core.delivery import Outcome, PartialDelivery, deliver
from crm_mail_gui.core.errors import DeliveryError, Kind, Step
from crm_mail_gui.core.message import MessageInvalid, prepare
from crm_mail_gui.core.settings import MailSettings, build_settings
from crm_mail_gui.core.store import Store

pytestmark = pytest.mark.e2e

FaultFactory = Callable[..., FaultServer]
SENDER = "crm@example.com"
README = Path(__file__).resolve().parents[1] / "README.md"


def plain_settings(port: int, **values: Any) -> MailSettings:
    """Settings for a plain, unauthenticated server on 127.0.0.1 (timeout may go below 1 s)."""
    timeout = values.pop("timeout", 2.0)
    data: dict[str, object] = {
        "server": f"{HOST}:{port}",
        "from": SENDER,
        "to": "admin@example.org",
        "auth": False,
    }
    data.update(values)
    return build_settings(data).with_changes(timeout=timeout)


def message_to(*recipients: str, body: str = "お見積書を送ります。\n") -> EmailMessage:
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = ", ".join(recipients)
    message["Subject"] = "お見積書 / Your quote"
    message.set_content(body)
    return message


def mail_from_lines(server: FaultServer) -> list[str]:
    return [line for line in server.lines if line.upper().startswith("MAIL FROM:")]


# --------------------------------------------------------------------------- partial delivery

RECIPIENTS = [f"user{i:03d}@example.org" for i in range(150)]


def test_452_after_100_recipients_raises_partial_delivery_with_both_lists(
    fault_server: FaultFactory, caplog: pytest.LogCaptureFixture
) -> None:
    server = fault_server("rcpt_limit", tls="none", rcpt_limit=100)
    caplog.set_level(logging.WARNING, logger="crm_mail_gui")
    with pytest.raises(PartialDelivery) as info:
        deliver(plain_settings(server.port), None, message_to(*RECIPIENTS))
    error = info.value
    assert isinstance(error, DeliveryError) and ExportedPartialDelivery is PartialDelivery
    # the mail went to the 100 accepted recipients, in one transaction
    [received] = server.messages
    assert received.rcpt_tos == RECIPIENTS[:100]
    assert error.accepted == RECIPIENTS[:100]
    assert list(error.refused) == RECIPIENTS[100:]
    assert all(
        reply == (452, "4.5.3 Error: too many recipients") for reply in error.refused.values()
    )
    assert error.temporary == error.refused and error.permanent == {}
    assert error.outcome.sent and error.outcome.reply.startswith("2.0.0")
    failure = error.failure
    assert failure.kind is Kind.PARTIALLY_DELIVERED and failure.step is Step.RCPT
    assert failure.exit_code == 5
    assert failure.code == 452
    assert "100 of 150" in failure.message("en") and "150 件中 100 件" in failure.message("ja")
    assert "user100@example.org" in failure.hint("en") and "4xx" in failure.hint("ja")
    assert "user119@example.org (+30)" in failure.hint("en")  # a long list is cut
    [record] = [r for r in caplog.records if "Partial delivery" in r.getMessage()]
    assert record.levelno == logging.WARNING
    text = record.getMessage()
    assert "100 of 150" in text and "50 temporary, 0 permanent" in text
    assert "user100@example.org (452 4.5.3" in text


def test_temporary_and_permanent_refusals_are_told_apart_through_send(
    fault_server: FaultFactory, tmp_path: Path, memory_keyring: Any
) -> None:
    hostile = "550 5.1.1 \x1b]52;c;ZXZpbA==\x07\x1b[2J\u202eUser unknown\r"
    server = fault_server(
        "rcpt_limit",
        tls="none",
        rcpt_limit=2,
        refuse={"gone@example.org": "550 5.1.1 User unknown", "evil@example.org": hostile},
    )
    Store(tmp_path).save(plain_settings(server.port, timeout=2), None)
    recipients = ["a@example.org", "gone@example.org", "b@example.org", "evil@example.org"]
    recipients.append("c@example.org")  # third accepted one: 452
    with pytest.raises(PartialDelivery) as info:
        send(message_to(*recipients), config_dir=tmp_path)
    error = info.value
    assert error.accepted == ["a@example.org", "b@example.org"]
    assert server.messages[0].rcpt_tos == ["a@example.org", "b@example.org"]
    assert set(error.permanent) == {"gone@example.org", "evil@example.org"}
    assert list(error.temporary) == ["c@example.org"]
    assert error.outcome.temporarily_refused == error.temporary
    described = error.failure.describe("en") + error.failure.describe("ja")
    assert "\x1b" not in described and "\u202e" not in described and "\x07" not in described


def test_every_recipient_refused_is_still_recipient_refused(fault_server: FaultFactory) -> None:
    server = fault_server("rcpt_limit", tls="none", rcpt_limit=0)
    with pytest.raises(DeliveryError) as info:
        deliver(plain_settings(server.port), None, message_to("a@example.org", "b@example.org"))
    assert not isinstance(info.value, PartialDelivery)
    assert info.value.failure.kind is Kind.RECIPIENT_REFUSED
    assert server.messages == []


def test_check_only_reports_refusals_in_the_outcome(fault_server: FaultFactory) -> None:
    server = fault_server("rcpt_limit", tls="none", rcpt_limit=1)
    message = message_to("a@example.org", "b@example.org")
    outcome = deliver(plain_settings(server.port), None, message, check_only=True)
    assert not outcome.sent and outcome.recipients == ["a@example.org"]
    assert outcome.temporarily_refused == {
        "b@example.org": (452, "4.5.3 Error: too many recipients")
    }
    assert server.messages == []


def test_duplicate_recipients_get_one_rcpt(fault_server: FaultFactory) -> None:
    server = fault_server("ok", tls="none")
    message = message_to("a@example.org")
    message["Cc"] = "a@example.org"
    outcome = deliver(plain_settings(server.port), None, message)
    assert outcome.recipients == ["a@example.org"]
    assert server.messages[0].rcpt_tos == ["a@example.org"]


# --------------------------------------------------------------------------- upload timeouts


def big_message(size: int) -> EmailMessage:
    message = message_to("a@example.org")
    message.add_attachment(
        bytes(range(256)) * (size // 256), maintype="application", subtype="pdf", filename="q.pdf"
    )
    return message


@pytest.mark.slow
def test_slow_but_steady_reader_gets_a_message_that_takes_longer_than_the_timeout(
    fault_server: FaultFactory,
) -> None:
    # about 3 MB/s: the 5.4 MB on the wire (base64) take about 1.7 s, the timeout is 1 s
    server = fault_server("slow_reader", tls="none", read_pause=0.02)
    settings = plain_settings(server.port, timeout=1.0)
    started = time.monotonic()
    outcome = deliver(settings, None, big_message(4_000_000))
    elapsed = time.monotonic() - started
    assert outcome.sent and outcome.recipients == ["a@example.org"]
    assert elapsed > 1.3 * settings.timeout  # the upload alone outlasted the timeout
    [received] = server.messages
    [attachment] = list(received.message.iter_attachments())
    assert attachment.get_content() == bytes(range(256)) * (4_000_000 // 256)


@pytest.mark.slow
def test_slow_reader_over_tls(fault_server: FaultFactory, certs: TestCerts) -> None:
    # TLS: one 16 KB record per read, about 2 MB/s for 4 MB on the wire
    server = fault_server("slow_reader", tls="ssl", read_pause=0.008)
    settings = build_settings(
        {
            "server": f"ssl://{HOST}:{server.port}",
            "from": SENDER,
            "to": "a@example.org",
            "auth": False,
            "ca_file": certs.ca_file,
        }
    ).with_changes(timeout=1.0)
    started = time.monotonic()
    outcome = deliver(settings, None, big_message(3_000_000))
    assert outcome.sent and time.monotonic() - started > 1.3 * settings.timeout
    assert len(server.messages) == 1


def test_server_that_stops_reading_times_out_after_the_no_progress_period(
    fault_server: FaultFactory,
) -> None:
    server = fault_server("stall_in_data", tls="none")
    settings = plain_settings(server.port, timeout=0.5)
    with pytest.raises(DeliveryError) as info:
        deliver(settings, None, big_message(3_000_000))
    assert server.data_started is not None
    stalled_for = time.monotonic() - server.data_started
    failure = info.value.failure
    assert failure.kind is Kind.TIMED_OUT and failure.step is Step.DATA
    assert failure.hint_key == "upload_stalled"
    sent, total = int(failure.params["sent"]), int(failure.params["total"])
    assert 0 < sent < total
    assert "0.5" in failure.hint("en") and "0.5 秒" in failure.hint("ja")
    # the buffers fill at once; then the no-progress period, not a total over the upload
    assert settings.timeout <= stalled_for < settings.timeout + 1.5
    assert server.messages == []


# --------------------------------------------------------------------------- 8-bit data


def test_smtputf8_offered_sends_an_internationalised_address(certs: TestCerts) -> None:
    with AioSMTPServer(certs, mode="plain", users=None) as server:
        outcome = deliver(plain_settings(server.port), None, message_to("用户@例子.广告"))
        [received] = server.messages
    assert outcome.recipients == ["用户@xn--fsqu00a.xn--4rr70v"]  # domain in IDNA form
    assert received.rcpt_tos == ["用户@xn--fsqu00a.xn--4rr70v"]
    assert "SMTPUTF8" in received.mail_options and "BODY=8BITMIME" in received.mail_options
    # RFC 6532 header, no encoded words; the domain as in the envelope (IDNA A-labels)
    assert "To: 用户@xn--fsqu00a.xn--4rr70v".encode() in received.data
    assert received.message["To"] == "用户@xn--fsqu00a.xn--4rr70v"
    assert received.message.get_content() == "お見積書を送ります。\n"


def test_smtputf8_not_offered_refuses_before_the_transaction(
    certs: TestCerts, fault_server: FaultFactory
) -> None:
    with AioSMTPServer(certs, mode="plain", users=None, smtputf8=False) as server:
        with pytest.raises(DeliveryError) as info:
            deliver(plain_settings(server.port), None, message_to("用户@例子.广告"))
        assert server.messages == []
    failure = info.value.failure
    assert failure.kind is Kind.INVALID_INPUT and failure.hint_key == "smtputf8_missing"
    assert "SMTPUTF8" in failure.hint("en") and "何も送信していません" in failure.hint("ja")
    assert "用户@xn--fsqu00a.xn--4rr70v" in failure.hint("en")
    # an ASCII local part needs no SMTPUTF8: the domain goes out in its IDNA (A-label) form
    with AioSMTPServer(certs, mode="plain", users=None, smtputf8=False) as server:
        deliver(plain_settings(server.port), None, message_to("ok@example.org", "a@例子.广告"))
        assert server.messages[0].rcpt_tos == ["ok@example.org", "a@xn--fsqu00a.xn--4rr70v"]


def test_a_non_ascii_header_address_also_needs_smtputf8(certs: TestCerts) -> None:
    message = message_to("a@example.org")
    message.replace_header("From", "営業 <営業@例え.jp>")
    with AioSMTPServer(certs, mode="plain", users=None, smtputf8=False) as server:
        with pytest.raises(DeliveryError) as info:
            deliver(plain_settings(server.port), None, message)
        assert server.messages == []
    assert info.value.failure.hint_key == "smtputf8_missing"
    assert "営業@例え.jp" in info.value.failure.hint("ja")
    with AioSMTPServer(certs, mode="plain", users=None) as server:
        deliver(plain_settings(server.port), None, message)
        [received] = server.messages
    assert received.mail_from == SENDER and "SMTPUTF8" in received.mail_options
    assert received.message["From"] == "営業 <営業@例え.jp>"


def test_8bit_body_is_declared_when_8bitmime_is_offered(fault_server: FaultFactory) -> None:
    server = fault_server("ok", tls="none")
    deliver(plain_settings(server.port), None, message_to("a@example.org"))
    assert mail_from_lines(server) == [f"MAIL FROM:<{SENDER}> BODY=8BITMIME"]
    ascii_only = fault_server("ok", tls="none")
    deliver(plain_settings(ascii_only.port), None, message_to("a@example.org", body="plain\n"))
    assert mail_from_lines(ascii_only) == [f"MAIL FROM:<{SENDER}>"]


def test_8bit_body_is_made_7bit_for_a_server_without_8bitmime(fault_server: FaultFactory) -> None:
    server = fault_server("ok", tls="none", extensions=["SIZE 1000000"])
    outcome = deliver(plain_settings(server.port), None, message_to("a@example.org"))
    assert mail_from_lines(server) == [f"MAIL FROM:<{SENDER}>"]
    [received] = server.messages
    assert received.data.isascii()
    assert received.message["Content-Transfer-Encoding"] in ("base64", "quoted-printable")
    assert received.message.get_content() == "お見積書を送ります。\n"
    assert any("7-bit" in line for line in outcome.transcript)


def test_raw_8bit_headers_are_refused_for_a_server_without_8bitmime(
    fault_server: FaultFactory,
) -> None:
    server = fault_server("ok", tls="none", extensions=["SIZE 1000000"])
    raw = b"To: a@example.org\r\nSubject: \xe8\xa6\x8b\xe7\xa9\x8d\r\n\r\nbody \xff\r\n"
    with pytest.raises(DeliveryError) as info:
        deliver(plain_settings(server.port), None, message_from_bytes(raw, policy=policy.SMTP))
    failure = info.value.failure
    assert failure.kind is Kind.INVALID_INPUT and failure.hint_key == "eight_bit_missing"
    assert "8BITMIME" in failure.hint("en") and "8BITMIME" in failure.hint("ja")
    assert mail_from_lines(server) == [] and server.messages == []


# --------------------------------------------------------------------------- only DeliveryError


def _set_raw(name: str, value: str) -> Callable[[], Message]:
    def build() -> Message:
        message = message_to("a@example.org")
        message.set_raw(name, value)
        return message

    return build


def _payload_of_wrong_type() -> Message:
    message = message_to("a@example.org")
    message.set_payload(12345)  # type: ignore[arg-type]
    return message


HOSTILE_MESSAGES: dict[str, Callable[[], object]] = {
    "lone surrogate in Subject (set_raw)": _set_raw("Subject", "見積\ud800"),
    "lone surrogate in Cc address": _set_raw("Cc", "x\ud800@example.org"),
    "lone surrogate in a parsed Subject": lambda: message_from_string(
        "To: a@example.org\nSubject: x\ud800\n\nbody\n", policy=policy.default
    ),
    "lone surrogate in a compat32 To": lambda: message_from_string("To: x\udfff@example.org\n\nb"),
    "lone surrogate in the body": lambda: message_from_string("To: a@example.org\n\nb \ud800\n"),
    "CRLF header injection": _set_raw("Subject", "x\r\nBcc: victim@example.net"),
    "bare LF header injection": _set_raw("Subject", "x\nBcc: victim@example.net"),
    "bare CR in a header": _set_raw("Subject", "x\rBcc: victim@example.net"),
    "NUL in a header": _set_raw("X-Note", "a\0b"),
    "colon in a header name": _set_raw("X-Bad: y", "z"),
    "NUL in an address": lambda: message_from_string("To: a\x00b@example.org\n\nx"),
    "ESC in an address": lambda: message_from_string("To: a\x1b[2Jb@example.org\n\nx"),
    "angle bracket in an address": lambda: message_from_string("To: <a<b@example.org>\n\nx"),
    "over-long address": lambda: message_to("a" * 300 + "@example.org"),
    "payload of the wrong type": _payload_of_wrong_type,
    "a str instead of a message": lambda: "To: a@example.org\n\nx",
    "bytes instead of a message": lambda: b"To: a@example.org\n\nx",
    "a dict instead of a message": lambda: {"To": "a@example.org"},
}


@pytest.mark.parametrize("name", list(HOSTILE_MESSAGES))
def test_a_bad_message_is_invalid_input_before_connecting(
    name: str, fault_server: FaultFactory
) -> None:
    server = fault_server("ok", tls="none")
    message = HOSTILE_MESSAGES[name]()
    with pytest.raises(DeliveryError) as info:
        deliver(plain_settings(server.port), None, message)  # type: ignore[arg-type]
    failure = info.value.failure
    assert failure.kind is Kind.INVALID_INPUT, name
    assert failure.hint_key == "message_invalid"
    hint = failure.hint("en")
    assert hint.startswith("This message cannot be sent as it is: ")
    assert failure.hint("ja").startswith("このメールはこのままでは送信できません: ")
    assert "\x1b" not in hint and "\0" not in hint and "\r" not in hint and "\n" not in hint
    assert server.connections == 0  # refused before anything was sent


HOSTILE_CODES = ["²⁵⁰ ok", "①①① ok", "２５０ ok", "٢٥٠ ok", "25\u0660 ok", "2５0 ok", "\udcff50 ok"]
HOSTILE_VERBS = ["MAIL", "RCPT", "DATA_END"]


@pytest.mark.parametrize("verb", HOSTILE_VERBS)
@pytest.mark.parametrize("reply", HOSTILE_CODES, ids=[ascii(c) for c in HOSTILE_CODES])
def test_non_ascii_reply_codes_never_escape_as_anything_but_delivery_error(
    verb: str, reply: str, fault_server: FaultFactory
) -> None:
    server = fault_server("ok", tls="none", replies={verb: reply.replace("\udcff", "\xff")})
    try:
        outcome = deliver(plain_settings(server.port), None, message_to("a@example.org"))
    except DeliveryError as error:
        assert error.failure.kind in (Kind.SERVER_REFUSED, Kind.UNEXPECTED, Kind.MESSAGE_REFUSED)
        assert error.failure.describe("en")
    else:
        assert isinstance(outcome, Outcome)


HOSTILE_ARGUMENTS: dict[str, dict[str, Any]] = {
    "message None (would be the test mail)": {"message": None},
    "message is a str": {"message": "To: a@example.org\n\nx"},
    "timeout is text": {"timeout": "abc"},
    "timeout 0": {"timeout": 0},
    "timeout negative": {"timeout": -5},
    "timeout NaN": {"timeout": float("nan")},
    "timeout infinite": {"timeout": float("inf")},
    "config_dir is a number": {"config_dir": 12345},
    "config_dir has a NUL": {"config_dir": "bad\0dir"},
}


@pytest.mark.parametrize("name", list(HOSTILE_ARGUMENTS))
def test_send_with_hostile_arguments_raises_delivery_error(
    name: str, fault_server: FaultFactory, tmp_path: Path, memory_keyring: Any
) -> None:
    server = fault_server("ok", tls="none")
    Store(tmp_path).save(plain_settings(server.port), None)
    arguments: dict[str, Any] = {"message": message_to("a@example.org"), "config_dir": tmp_path}
    arguments.update(HOSTILE_ARGUMENTS[name])
    message = arguments.pop("message")
    with pytest.raises(DeliveryError) as info:
        core_send(message, **arguments)
    assert info.value.failure.kind is Kind.INVALID_INPUT, name
    assert server.messages == []


def test_send_when_the_credential_store_fails(
    tmp_path: Path, memory_keyring: Any, fault_server: FaultFactory, monkeypatch: Any
) -> None:
    from crm_mail_gui.core import credentials

    server = fault_server("ok", tls="none")
    settings = plain_settings(server.port, auth=True, user="u@example.com")
    Store(tmp_path).save(settings.with_changes(allow_unencrypted_auth=True), None)

    def broken(*_args: object) -> str:
        raise credentials.CredentialStoreUnavailable("test backend", "locked")

    monkeypatch.setattr(memory_keyring, "get_password", broken)
    with pytest.raises(DeliveryError) as info:
        send(message_to("a@example.org"), config_dir=tmp_path)
    assert info.value.failure.kind in (Kind.CREDENTIAL_STORE_UNAVAILABLE, Kind.INVALID_INPUT)
    assert server.connections == 0


# --------------------------------------------------------------------------- README example


def test_readme_send_example_handles_partial_delivery(
    fault_server: FaultFactory, memory_keyring: Any, caplog: pytest.LogCaptureFixture
) -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("### Sending from a CRM process", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README lost its send() example"
    server = fault_server("rcpt_limit", tls="none", rcpt_limit=1)
    Store().save(plain_settings(server.port), None)
    code = match.group(1).replace("customer@example.com", "a@example.org, b@example.org")
    namespace: dict[str, Any] = {}
    with caplog.at_level(logging.INFO):
        exec(compile(code, "README.md", "exec"), namespace)
    assert server.messages[0].rcpt_tos == ["a@example.org"]
    assert "not sent to b@example.org: 452" in caplog.text  # the example logs what was refused
    assert namespace["retry_later"] == ["b@example.org"]


@pytest.mark.parametrize("kind", ["sign_in_again", "not_signed_in", "server_error"])
def test_an_oauth_problem_becomes_a_delivery_failure(kind: str) -> None:
    from crm_mail_gui.core.api import sign_in_failure
    from crm_mail_gui.core.oauth import OAuthError

    failure = sign_in_failure(OAuthError(kind, "\x1b]0;FAKE\x07revoked\u202e"))
    expected = Kind.SIGN_IN_REQUIRED if kind != "server_error" else Kind.AUTH_FAILED
    assert failure.kind is expected and failure.step is Step.AUTH and failure.fix == "sign_in"
    text = failure.describe("en") + failure.describe("ja")
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text


# --------------------------------------------------------------------------- property


HEADER_TEXT = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()), max_size=40
) | st.sampled_from(["a@example.org", "x\ud800@example.org", "用户@例子.广告", "=?utf-8?q?a?=@b"])


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["To", "Cc", "Bcc", "From", "Subject", "X-Note"]), HEADER_TEXT),
    st.text(max_size=60),
)
def test_prepare_returns_a_sendable_envelope_or_message_invalid(
    headers: dict[str, str], body: str
) -> None:
    settings_ = build_settings(
        {"server": "127.0.0.1:25", "from": SENDER, "to": "a@example.org", "auth": False}
    )
    message = EmailMessage()
    for name, value in headers.items():
        message.set_raw(name, value)
    message.set_payload(body)
    try:
        env = prepare(message, settings_)
    except MessageInvalid as error:
        assert str(error).isprintable()
        return
    for address in (env.sender, *env.recipients):
        address.encode("utf-8")
        assert "\r" not in address and "\n" not in address and "\0" not in address
        assert "<" not in address and ">" not in address
    assert isinstance(env.data, bytes) and env.eight_bit == (not env.data.isascii())
    assert env.smtputf8 == any(not a.isascii() for a in env.utf8_addresses) and (
        env.smtputf8 or all(a.isascii() for a in env.recipients)
    )
