"""Detection's web sources (autoconfig, .well-known, ISPDB): what each lookup found or why not."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # final details of a lookup (SourceEvent.detail)
    "found": {"ja": "{servers}", "en": "{servers}"},
    "skipped": {
        "ja": "{count} 件は不正なため無視しました: {reasons}",
        "en": "{count} ignored as invalid: {reasons}",
    },
    "not_found": {
        "ja": "設定ファイルがありません (HTTP {status})",
        "en": "no config file (HTTP {status})",
    },
    "not_listed": {"ja": "登録されていません", "en": "not listed"},
    "no_smtp": {
        "ja": "設定ファイルに送信サーバー (SMTP) がありません",
        "en": "the config file names no outgoing (SMTP) server",
    },
    "http_status": {
        "ja": "{host} が HTTP {status} を返しました",
        "en": "{host} answered HTTP {status}",
    },
    "domain_invalid": {
        "ja": "ドメイン名 {domain} は使えません: {reason}",
        "en": "the domain {domain} cannot be used: {reason}",
    },
    "seam_invalid": {
        "ja": "環境変数 {name} の値 {value} は使えません",
        "en": "the environment variable {name} has an unusable value {value}",
    },
    # FetchError kinds (core.https_fetch)
    "fetch.timeout": {
        "ja": "{host}: 期限内に応答が終わりませんでした",
        "en": "{host}: no complete answer before the deadline",
    },
    "fetch.cancelled": {"ja": "中止しました", "en": "cancelled"},
    "fetch.resolve": {
        "ja": "{host} が見つかりません ({detail})",
        "en": "{host} not found ({detail})",
    },
    "fetch.network": {
        "ja": "{host} に接続できません: {detail}",
        "en": "cannot connect to {host}: {detail}",
    },
    "fetch.tls": {
        "ja": "{host} の TLS 接続を検証できません: {detail}",
        "en": "the TLS connection to {host} could not be verified: {detail}",
    },
    "fetch.not_http": {
        "ja": "{host} の応答は HTTP ではありません: {detail}",
        "en": "the answer of {host} is not HTTP: {detail}",
    },
    "fetch.too_big": {
        "ja": "{host} の応答が {limit} バイトを超えたため、読み込みを中止しました",
        "en": "the answer of {host} exceeds {limit} bytes; reading stopped",
    },
    "fetch.truncated": {
        "ja": "{host} の応答が途中で切れました ({detail})",
        "en": "the answer of {host} was cut short ({detail})",
    },
    "fetch.bad_url": {
        "ja": "使えない URL です ({detail}): {url}",
        "en": "unusable URL ({detail}): {url}",
    },
    "fetch.redirect_scheme": {
        "ja": "https 以外へのリダイレクトを拒否しました: {url}",
        "en": "redirect to a non-https address refused: {url}",
    },
    "fetch.redirect_host": {
        "ja": "{allowed} の外のホストへのリダイレクトを拒否しました: {url}",
        "en": "redirect to a host outside {allowed} refused: {url}",
    },
    "fetch.redirect_count": {
        "ja": "リダイレクトが多すぎます ({count} 回まで): {url}",
        "en": "too many redirects (at most {count}): {url}",
    },
    # the config file as a whole (ConfigError)
    "xml_forbidden": {
        "ja": "XML を拒否しました: DTD、エンティティ、外部参照は受け付けません ({detail})",
        "en": "XML refused: DTDs, entities and external references are not accepted ({detail})",
    },
    "xml_malformed": {
        "ja": "XML として読めません: {detail}",
        "en": "not readable as XML: {detail}",
    },
    "not_config": {
        "ja": "autoconfig の形式ではありません (clientConfig / emailProvider がありません)",
        "en": "not an autoconfig file (no clientConfig / emailProvider)",
    },
    "too_big": {
        "ja": "設定ファイルが {limit} バイトを超えています",
        "en": "the config file exceeds {limit} bytes",
    },
    # one <outgoingServer> skipped (the reasons of "skipped")
    "skip.host": {"ja": "サーバ名 {host}: {reason}", "en": "host name {host}: {reason}"},
    "skip.port": {
        "ja": "ポート {port} は 1〜65535 の数字ではありません",
        "en": "port {port} is not a number from 1 to 65535",
    },
    "skip.socket": {
        "ja": "socketType {value} は使えません",
        "en": "unusable socketType {value}",
    },
    "skip.auth": {
        "ja": "使える authentication がありません ({value})",
        "en": "no known authentication ({value})",
    },
    "skip.username": {
        "ja": "ユーザ名 {value} は使えません",
        "en": "unusable user name {value}",
    },
    "skip.too_many": {
        "ja": "送信サーバーが多すぎるため、最初の {limit} 件だけを読みました",
        "en": "too many outgoing servers: only the first {limit} were read",
    },
}
