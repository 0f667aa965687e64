"""Server detection from a mail address: sources, probes and the detect command (core.discovery)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "invalid_address": {
        "ja": "メールアドレスから検出できません: {reason}",
        "en": "Cannot detect from this mail address: {reason}",
    },
    "label_preset": {"ja": "プリセット", "en": "Preset"},
    "label_guess": {"ja": "推測", "en": "Guess"},
    "preset_none": {
        "ja": "{domain} のプリセットはありません",
        "en": "no preset for {domain}",
    },
    "dns_nxdomain": {"ja": "ドメインが存在しません", "en": "the domain does not exist"},
    "dns_no_record": {"ja": "レコードがありません", "en": "no record"},
    "dns_timeout": {
        "ja": "DNS の応答がありません(タイムアウト)",
        "en": "no DNS answer (timed out)",
    },
    "dns_failed": {"ja": "DNS エラー: {detail}", "en": "DNS error: {detail}"},
    "mx_unknown": {
        "ja": "{hosts}(既知のプロバイダーではありません)",
        "en": "{hosts} (not a known provider)",
    },
    "srv_not_offered": {
        "ja": "提供されていません(ターゲット「.」)",
        "en": "not offered (target “.”)",
    },
    "guesses": {
        "ja": "{hosts} の 465 番(ssl://)と 587 番(tls://)を試します",
        "en": "trying {hosts} on 465 (ssl://) and 587 (tls://)",
    },
    "source_deadline": {
        "ja": "制限時間内に応答がありませんでした",
        "en": "no answer before the deadline",
    },
    "source_cancelled": {"ja": "キャンセルしました", "en": "cancelled"},
    "source_unavailable": {
        "ja": "この版では利用できません",
        "en": "not available in this version",
    },
    "ispdb_off": {
        "ja": "オフ(ISPDB の参照を無効にしています)",
        "en": "off (the ISPDB lookup is switched off)",
    },
    "probe_ok": {"ja": "TLS ✓、AUTH {mechanisms}", "en": "TLS ✓, AUTH {mechanisms}"},
    "probe_pending": {"ja": "確認中…", "en": "checking…"},
    "probe_plain": {
        "ja": "暗号化されていない接続です",
        "en": "the connection is not encrypted",
    },
    "probe_no_auth": {
        "ja": "認証(AUTH)が提供されていません",
        "en": "the server offers no authentication (AUTH)",
    },
    "probe_no_host": {
        "ja": "ホスト {host} が見つかりません",
        "en": "the host {host} was not found",
    },
    "probe_dns_timeout": {
        "ja": "ホスト {host} の DNS の応答がありません",
        "en": "no DNS answer for the host {host}",
    },
    "probe_deadline": {
        "ja": "制限時間内に確認できませんでした",
        "en": "not checked before the deadline",
    },
    "probe_cancelled": {"ja": "キャンセルしました", "en": "cancelled"},
    "foreign": {
        "ja": "サーバー {host} は {domain} のものでも既知のプロバイダーのものでもありません。"
        "この設定は {origin} から取得しました。",
        "en": "The server {host} is neither under {domain} nor a known provider's. "
        "This setting was obtained from {origin}.",
    },
    "cli_foreign_refused": {
        "ja": "このサーバーにはパスワードを送りません。使う場合は --server {server} と明示して"
        "ください。何も保存していません。",
        "en": "No password is sent to this server unless you name it: give --server {server} "
        "to use it. Nothing was saved.",
    },
    "cli_header": {
        "ja": "{address} の送信メールサーバーの候補:",
        "en": "Outgoing mail servers found for {address}:",
    },
    "cli_sources": {"ja": "調べた情報源:", "en": "Sources:"},
    "cli_none": {
        "ja": "{address} で使える(TLS と認証を確認できた)送信メールサーバーは見つかりませんでした。",
        "en": "No outgoing mail server with verified TLS and authentication was found for {address}.",
    },
    "cli_using": {
        "ja": "検出したサーバーを使います: {server}({source})",
        "en": "Using the detected server {server} ({source})",
    },
    "cli_user_needed": {
        "ja": "{provider} のユーザ名はメールアドレスではありません。--user で指定してください"
        "(ユーザ名: {hint})。設定は保存していません。",
        "en": "The user name for {provider} is not the mail address: give it with --user "
        "(user name: {hint}). Nothing was saved.",
    },
    "cli_oauth": {
        "ja": "このサーバーは OAuth2 でのサインインを前提としています。"
        "「crm-mail-gui signin」も使えます。",
        "en": "This server expects OAuth2 sign-in; “crm-mail-gui signin” can do that.",
    },
}
