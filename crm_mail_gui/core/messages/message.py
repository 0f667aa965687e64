"""Why a message to send cannot be sent as given (core.message)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "in_header": {
        "ja": "{header} ヘッダのアドレス「{address}」: {reason}",
        "en": "The address “{address}” in the {header} header: {reason}",
    },
    "unreadable": {
        "ja": "{header} ヘッダを安全に読めません(改行やエンコードされた文字列を含むアドレス)。",
        "en": "The {header} header cannot be read safely (an address with a line break or an "
        "encoded word).",
    },
    "mismatch": {
        "ja": "{header} ヘッダのアドレスが送信先(エンベロープ)と一致しません。",
        "en": "The addresses in the {header} header do not match the envelope.",
    },
}

SECURITY: dict[str, dict[str, str]] = {
    "ssl": {"ja": "SSL/TLS(最初から暗号化)", "en": "SSL/TLS (encrypted from the start)"},
    "tls": {"ja": "STARTTLS(暗号化に切り替え)", "en": "STARTTLS (upgraded to encryption)"},
    "plain": {"ja": "暗号化なし", "en": "none (unencrypted)"},
}
"""How the test mail's body names the connection's encryption."""

TEXTS.update({f"security.{key}": entry for key, entry in SECURITY.items()})
