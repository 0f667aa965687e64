"""The names of the settings fields, as the command line and field errors show them."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "server": {"ja": "サーバ名", "en": "Server name"},
    "user": {"ja": "ユーザ名", "en": "User name"},
    "password": {"ja": "パスワード", "en": "Password"},
    "oauth": {"ja": "OAuth2 のサインイン", "en": "OAuth2 sign-in"},
    "from": {"ja": "差出人", "en": "From"},
    "to": {"ja": "テストメールの送信先", "en": "Test recipient"},
    "timeout": {"ja": "タイムアウト", "en": "Timeout"},
    "ca_file": {"ja": "追加の CA ファイル", "en": "Extra CA file"},
    "auth": {"ja": "認証を行う", "en": "Requires authentication"},
}
