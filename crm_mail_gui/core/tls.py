"""TLS client contexts: the OS trust store plus an optional extra CA file, TLS 1.2 or later.

Windows and macOS verify through the OS (truststore). On Linux and the BSDs, where truststore
would reload the system CA bundle on every connection, the same bundle is loaded once per context.
"""

from __future__ import annotations

import functools
import os
import ssl
import sys

# Where Linux and BSD distributions keep the system CA bundle (when OpenSSL's default is empty).
CA_FILE_CANDIDATES = (
    "/etc/ssl/cert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/pki/tls/cert.pem",
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/ssl/ca-bundle.pem",
)
USES_TRUSTSTORE = sys.platform in ("win32", "darwin")


def client_context(ca_file: str | None = None, *, check_hostname: bool = True) -> ssl.SSLContext:
    """A verifying client context; cached per CA file version, since building one loads the store."""
    stamp = None
    if ca_file:
        info = os.stat(ca_file)
        stamp = (info.st_mtime_ns, info.st_size)
    return _cached_context(ca_file, stamp, check_hostname)


def trust_store_description() -> str:
    """Which trust store verifies certificates on this system (for --self-check)."""
    if USES_TRUSTSTORE:
        import truststore

        return f"OS trust store via truststore {truststore.__version__}"
    defaults = ssl.get_default_verify_paths()
    source = defaults.cafile or defaults.capath or _system_ca_file() or "none found"
    return f"system CA bundle {source}"


def _system_ca_file() -> str | None:
    return next((path for path in CA_FILE_CANDIDATES if os.path.isfile(path)), None)


def _load_system_cas(context: ssl.SSLContext) -> None:
    defaults = ssl.get_default_verify_paths()
    has_capath = bool(defaults.capath) and any(
        name[-2:-1] == "." for name in os.listdir(defaults.capath)
    )
    if defaults.cafile or has_capath:
        context.set_default_verify_paths()
        return
    fallback = _system_ca_file()
    if fallback:
        context.load_verify_locations(cafile=fallback)


@functools.lru_cache(maxsize=8)
def _cached_context(
    ca_file: str | None, stamp: tuple[int, int] | None, check_hostname: bool
) -> ssl.SSLContext:
    if USES_TRUSTSTORE:
        import truststore

        context: ssl.SSLContext = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    else:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        _load_system_cas(context)
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
