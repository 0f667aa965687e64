"""TLS client contexts: OS trust store (truststore) plus an optional extra CA file, TLS 1.2+."""

from __future__ import annotations

import functools
import os
import ssl

import truststore


def client_context(ca_file: str | None = None, *, check_hostname: bool = True) -> ssl.SSLContext:
    """A verifying client context; cached per CA file version, since building one loads the store."""
    stamp = None
    if ca_file:
        info = os.stat(ca_file)
        stamp = (info.st_mtime_ns, info.st_size)
    return _cached_context(ca_file, stamp, check_hostname)


@functools.lru_cache(maxsize=8)
def _cached_context(
    ca_file: str | None, stamp: tuple[int, int] | None, check_hostname: bool
) -> ssl.SSLContext:
    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = check_hostname
    context.verify_mode = ssl.CERT_REQUIRED
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def names_from_cert(cert: dict | None) -> list[str]:
    """The DNS names and IP addresses a peer certificate (getpeercert() form) is valid for."""
    if not cert:
        return []
    names = [
        value for kind, value in cert.get("subjectAltName", ()) if kind in ("DNS", "IP Address")
    ]
    if not names:
        for rdn in cert.get("subject", ()):
            names += [value for key, value in rdn if key == "commonName"]
    return names
