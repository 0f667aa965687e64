"""reads_back's plain-address shortcut gives the email package's own answer."""

from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from crm_mail_gui.core.settings import _PLAIN_ADDRESS, email_reads_back, reads_back

LOCAL = st.from_regex(r"[A-Za-z0-9_+-]{1,12}(\.[A-Za-z0-9_+-]{1,8}){0,3}", fullmatch=True)
LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
DOMAIN = st.lists(LABEL, min_size=2, max_size=4).map(".".join)


@settings(max_examples=400, deadline=None)
@given(LOCAL, DOMAIN)
def test_every_plain_address_reads_back_through_the_email_package(local: str, domain: str) -> None:
    address = f"{local}@{domain}"
    assert re.fullmatch(_PLAIN_ADDRESS, address)
    assert email_reads_back(address)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='ab.@-_+=?"()<>,;: \\\t[]Aé', min_size=1, max_size=24))
def test_the_shortcut_never_says_yes_where_the_email_package_says_no(text: str) -> None:
    assert reads_back(text) == email_reads_back(text)


def test_tricky_addresses_still_go_to_the_email_package() -> None:
    for text in (
        '"a b"@example.com',
        "a@b@example.com",
        "=?utf-8?q?x?=@example.com",
        "a(comment)@example.com",
        "a..b@example.com",
        ".a@example.com",
        "a@Example.COM",
        "a@example",
        "a@-example.com",
    ):
        assert not re.fullmatch(_PLAIN_ADDRESS, text), text


def test_a_plain_address_loads_no_email_package() -> None:
    code = (
        "import sys; from crm_mail_gui.core.settings import check_address;"
        "check_address('crm.info+x@example.co.jp');"
        "print('email' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
