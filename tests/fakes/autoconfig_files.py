"""Thunderbird config-v1.1.xml bodies for detection tests: a builder and hostile documents."""

from __future__ import annotations


def server(
    hostname: str = "smtp.example.jp",
    port: str = "465",
    socket: str | list[str] = "SSL",
    auth: str | list[str] = "password-cleartext",
    username: str | None = "%EMAILADDRESS%",
    kind: str = "smtp",
) -> str:
    """One `<outgoingServer>` element (values inserted as they are: XML markup allowed)."""
    sockets = [socket] if isinstance(socket, str) else socket
    auths = [auth] if isinstance(auth, str) else auth
    parts = [f"<hostname>{hostname}</hostname>", f"<port>{port}</port>"]
    parts += [f"<socketType>{value}</socketType>" for value in sockets]
    parts += [f"<authentication>{value}</authentication>" for value in auths]
    if username is not None:
        parts.append(f"<username>{username}</username>")
    return f'<outgoingServer type="{kind}">{"".join(parts)}</outgoingServer>'


def config(*servers: str, head: str = "") -> bytes:
    """A whole config file for example.jp with these `<outgoingServer>` elements."""
    inner = "".join(servers)
    return (
        f'{head}<clientConfig version="1.1"><emailProvider id="example.jp">'
        f"<domain>example.jp</domain>{inner}</emailProvider></clientConfig>"
    ).encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<clientConfig><emailProvider id="x"><domain>example.jp</domain>
<outgoingServer type="smtp"><hostname>&lol9;.example.jp</hostname><port>465</port>
<socketType>SSL</socketType><authentication>none</authentication></outgoingServer>
</emailProvider></clientConfig>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE clientConfig [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<clientConfig><emailProvider id="x"><domain>example.jp</domain>
<outgoingServer type="smtp"><hostname>smtp.example.jp</hostname><port>465</port>
<socketType>SSL</socketType><authentication>none</authentication>
<username>&secret;</username></outgoingServer></emailProvider></clientConfig>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE clientConfig SYSTEM "https://evil.example.net/config.dtd">
""" + config(server())

INTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE clientConfig [<!ENTITY host "smtp.evil.example.net">]>
<clientConfig><emailProvider id="x"><domain>example.jp</domain>
<outgoingServer type="smtp"><hostname>&host;</hostname><port>465</port>
<socketType>SSL</socketType><authentication>none</authentication>
</outgoingServer></emailProvider></clientConfig>"""

QUADRATIC_BLOWUP = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "' + b"a" * 20_000 + b'">]>'
    b"<clientConfig><emailProvider><domain>" + b"&a;" * 10_000 + b"</domain>"
    b"</emailProvider></clientConfig>"
)
