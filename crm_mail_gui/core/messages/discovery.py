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
    "cli_oauth": {
        "ja": "このサーバーは OAuth2 でのサインインを前提としています。"
        "「crm-mail-gui signin」も使えます。",
        "en": "This server expects OAuth2 sign-in; “crm-mail-gui signin” can do that.",
    },
    "help_command": {
        "ja": "メールアドレスから送信メールサーバーを検出する(設定は保存しません)",
        "en": "detect the outgoing mail server from a mail address (stores nothing)",
    },
    "help_address": {
        "ja": "検出に使うメールアドレス(例: taro@example.co.jp)",
        "en": "the mail address to detect from (e.g. taro@example.co.jp)",
    },
    "help_json": {"ja": "結果を JSON で出力する", "en": "print the result as JSON"},
    "help_no_ispdb": {
        "ja": "Thunderbird の ISPDB に問い合わせない(問い合わせる場合もドメイン名だけを送ります)",
        "en": "do not ask Thunderbird's ISPDB (when asked, it gets only the domain)",
    },
    "help_allow_http": {
        "ja": "HTTPS で取得できない autoconfig を HTTP(暗号化なし)で取得することを許可する",
        "en": "allow the autoconfig lookup over plain HTTP when HTTPS cannot be reached",
    },
    "help_ca_file": {
        "ja": "確認時に追加で信頼する CA 証明書ファイル(PEM)",
        "en": "an extra CA certificate file (PEM) to trust while probing",
    },
    "help_deadline": {
        "ja": "全体の制限時間(秒、既定 10)",
        "en": "the deadline for everything, in seconds (default 10)",
    },
    "help_set_detect": {
        "ja": "このメールアドレスから検出した最適なサーバーを使う(その後、通常どおりテストします)",
        "en": "use the best server detected from this mail address (then test as usual)",
    },
}
