"""A fault server on 127.0.0.1 that echoes the client's AUTH line(s) back: a credential-leak probe."""

from __future__ import annotations

import base64
import binascii
import socket
from collections.abc import Callable
from typing import Any

from fakes.smtp_servers import FaultServer, TestCerts, _FaultSession


def _payloads(sent: list[str]) -> list[str]:
    """The base64 payloads among the client's AUTH lines (the initial response, LOGIN lines)."""
    words = [word for line in sent for word in line.split()]
    return [word for word in words if word.upper() not in {"AUTH", "PLAIN", "LOGIN", "XOAUTH2"}]


def _decoded(sent: list[str]) -> str:
    """Every payload base64-decoded, as the raw text a careless server would log and echo."""
    texts = []
    for payload in _payloads(sent):
        try:
            texts.append(base64.b64decode(payload, validate=True).decode("utf-8", "replace"))
        except (binascii.Error, ValueError):
            texts.append(payload)
    return " ".join(texts)


def _misaligned(sent: list[str]) -> str:
    """Payloads cut at the front by 1, 2 and 3 characters and glued behind other characters."""
    pieces = [p[cut:] for p in _payloads(sent) for cut in (1, 2, 3)]
    pieces += [f"x{p}" for p in _payloads(sent)] + [f"{p}={p}" for p in _payloads(sent)]
    return " ".join(pieces)


# How the echo is wrapped: each returns the reply lines sent after the client's last AUTH line.
ECHO_STYLES: dict[str, Callable[[list[str]], list[str]]] = {
    "garbage": lambda sent: [" ".join(sent)],  # not SMTP: quoted by the "Detail" line, cut at 80
    "last_line": lambda sent: [sent[-1]],  # the last payload alone, not SMTP
    "error": lambda sent: [f"535 5.7.8 you sent: {' '.join(sent)}"],
    "multiline": lambda sent: ["535-5.7.8 you sent:", *(f"535-{x}" for x in sent), "535 end"],
    "challenge": lambda sent: [f"334 {' '.join(sent)}"],
    "payload_challenge": lambda sent: [f"334 {_payloads(sent)[-1]}"],
    "decoded": lambda sent: [f"535 5.7.8 decoded: {_decoded(sent)}"],
    "misaligned": lambda sent: [f"535 5.7.8 got {_misaligned(sent)}"],
}


class EchoServer(FaultServer):
    """Offers `mechanism` only; answers the client's AUTH with its own line(s), as `echo` says."""

    def __init__(self, certs: TestCerts, echo: str, mechanism: str = "PLAIN", **knobs: Any) -> None:
        knobs.setdefault("tls", "ssl")
        knobs.setdefault("extensions", ["ENHANCEDSTATUSCODES", f"AUTH {mechanism}"])
        super().__init__(certs, "ok", **knobs)
        self.echo = ECHO_STYLES[echo]
        self.sent: list[list[str]] = []  # the AUTH lines each session received

    def _new_session(self, sock: socket.socket) -> _FaultSession:
        return _EchoSession(self, sock)


class _EchoSession(_FaultSession):
    """A FaultServer session whose AUTH repeats what the client said."""

    srv: EchoServer

    def do_AUTH(self, arg: str) -> bool | None:
        sent = [f"AUTH {arg}"]
        if arg.upper() == "LOGIN":  # no initial response: ask for the user and the password
            for prompt in ("VXNlcm5hbWU6", "UGFzc3dvcmQ6"):
                self.reply(f"334 {prompt}")
                line = self.readline()
                if line is None:
                    return False
                sent.append(line)
        self.srv.sent.append(sent)
        lines = self.srv.echo(sent)
        self.reply("\n".join(lines))
        if lines[-1].startswith(
            "334 "
        ):  # a challenge: the client answers ("*" or ""), then we fail
            if self.readline() is None:
                return False
            self.reply("535 5.7.8 Authentication failed")
        return None
