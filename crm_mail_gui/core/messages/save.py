"""Why a Save, check or sign-in does not start (core.save.Problem keys)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "password_needed": {
        "ja": "パスワードがありません。--password-stdin で入力してください。",
        "en": "No password: give one with --password-stdin.",
    },
    "password_empty": {"ja": "パスワードが空です。", "en": "The password is empty."},
    "unencrypted": {
        "ja": "暗号化されていない接続でパスワードを送ることになります。"
        "本当に送る場合は --allow-unencrypted-password を付けてください。",
        "en": "The password would be sent unencrypted. Add --allow-unencrypted-password "
        "to accept that.",
    },
    "field_error": {"ja": "{field}: {message}", "en": "{field}: {message}"},
    "client_secret_needed": {
        "ja": "Google のデスクトップ クライアントにはクライアント シークレットが必要です(--client-secret-stdin)。",
        "en": "Google desktop clients need their client secret (--client-secret-stdin).",
    },
}
