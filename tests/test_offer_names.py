"""The AUTH mechanisms a server offers are SASL names, or they are not shown at all."""

from __future__ import annotations

import pytest

from crm_mail_gui.core.delivery import Offer


def test_sasl_names_pass_upper_case_in_the_servers_order() -> None:
    offer = Offer({"auth": "plain LOGIN xoauth2 CRAM-MD5 PLAIN"}, None)
    assert offer.auth_mechanisms == ("PLAIN", "LOGIN", "XOAUTH2", "CRAM-MD5")


@pytest.mark.parametrize(
    "hostile",
    [
        "\u202eNIALP",
        "\x1b[31mRED",
        "PL\u009bAIN",
        "A" * 21,
        "LOGIN;rm",
        "<b>PLAIN</b>",
        "ＰＬＡＩＮ",
    ],
)
def test_anything_else_the_server_writes_there_is_dropped(hostile: str) -> None:
    """These reach `detect --json` and the window's list: no bidi, escape or markup gets there."""
    offer = Offer({"auth": f"PLAIN {hostile} LOGIN"}, None)
    assert offer.auth_mechanisms == ("PLAIN", "LOGIN")
