"""Why a settings field is not valid (core.settings.FieldError keys)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "required": {"ja": "入力してください。", "en": "This field is required."},
    "user_required": {
        "ja": "「認証を行う」がオンのときはユーザ名が必要です。",
        "en": "A user name is required when authentication is on.",
    },
    "control": {
        "ja": "改行や制御文字は使えません。",
        "en": "Line breaks and control characters are not allowed.",
    },
    "too_long": {
        "ja": "長すぎます({limit} 文字まで)。",
        "en": "Too long (at most {limit} characters).",
    },
    "address_display_name": {
        "ja": "メールアドレスだけを入力してください(表示名や < > は使えません)。",
        "en": "Enter the address only (no display name, no < >).",
    },
    "address_spaces": {
        "ja": "メールアドレスに空白は使えません。",
        "en": "An address cannot contain spaces.",
    },
    "address_no_at": {
        "ja": "メールアドレスの形式ではありません(例: noreply@example.co.jp)。",
        "en": "This is not a mail address (for example noreply@example.com).",
    },
    "address_local": {
        "ja": "「@」より前の部分に使えない文字があります。",
        "en": "The part before “@” contains characters that cannot be used.",
    },
    "address_local_non_ascii": {
        "ja": "「@」より前の部分は半角英数字で入力してください。",
        "en": "Use ASCII letters and digits before “@”.",
    },
    "address_domain": {
        "ja": "「@」より後のドメイン名が正しくありません。",
        "en": "The domain after “@” is not valid.",
    },
    "address_encoded_word": {
        "ja": "メールアドレスに「=?」(エンコードされた文字列)は使えません。"
        "メール中ではアドレスの読み方が変わってしまいます。",
        "en": "An address cannot contain “=?” (an encoded word): mail programs would decode it "
        "into a different address.",
    },
    "address_ambiguous": {
        "ja": "このメールアドレスはメールソフトによって別のアドレスとして読まれる可能性があります。",
        "en": "Mail programs could read this address as a different one.",
    },
    "timeout_number": {
        "ja": "タイムアウトは秒数で入力してください。",
        "en": "Enter the timeout in seconds.",
    },
    "timeout_range": {
        "ja": "タイムアウトは {low:g}〜{high:g} 秒の範囲で指定してください。",
        "en": "The timeout must be between {low:g} and {high:g} seconds.",
    },
    "ca_missing": {
        "ja": "CA ファイル「{path}」が見つかりません。",
        "en": "The CA file “{path}” does not exist.",
    },
    "ca_not_file": {
        "ja": "CA ファイル「{path}」は通常のファイルではありません(フォルダ、パイプ、デバイスなど)。",
        "en": "The CA file “{path}” is not a regular file (a folder, pipe or device).",
    },
    "ca_unreadable": {
        "ja": "CA ファイル「{path}」を読み込めません({error})。",
        "en": "The CA file “{path}” cannot be read ({error}).",
    },
    "ca_too_large": {
        "ja": "CA ファイル「{path}」が大きすぎます({limit} まで)。",
        "en": "The CA file “{path}” is too large (at most {limit}).",
    },
    "ca_not_pem": {
        "ja": "CA ファイル「{path}」に PEM 形式の証明書(-----BEGIN CERTIFICATE-----)がありません。",
        "en": "The CA file “{path}” contains no PEM certificate (-----BEGIN CERTIFICATE-----).",
    },
    "ca_bad_pem": {
        "ja": "CA ファイル「{path}」の証明書を読み込めません({error})。",
        "en": "The certificates in the CA file “{path}” cannot be loaded ({error}).",
    },
    "ca_relative": {
        "ja": "CA ファイル「{path}」は相対パスで保存されています。フルパスで選び直してください。",
        "en": "The CA file “{path}” was stored as a relative path; choose it again by its full path.",
    },
    "oauth_provider": {
        "ja": "OAuth2 のプロバイダ「{value}」は使えません。",
        "en": "Unknown OAuth2 provider “{value}”.",
    },
    "oauth_client_id": {
        "ja": "OAuth2 のクライアント ID(アプリケーション ID)を入力してください。",
        "en": "Enter the OAuth2 client ID (application ID).",
    },
    "oauth_tenant": {
        "ja": "テナントは、テナント ID(GUID)かドメイン名、または organizations / common / consumers です。",
        "en": "The tenant is a tenant ID (GUID), a domain, or organizations / common / consumers.",
    },
    "oauth_authority": {
        "ja": "認可サーバーの URL は https:// で始めてください。",
        "en": "The authorization server URL must start with https://.",
    },
    "oauth_sign_in_first": {
        "ja": "OAuth2 では、保存の前にプロバイダでサインインしてください。",
        "en": "With OAuth2, sign in with the provider before saving.",
    },
    "placeholder": {
        "ja": "「{placeholder}」の部分を契約中のサーバ名に置き換えてください。",
        "en": "Replace “{placeholder}” with the server name of your contract.",
    },
}
