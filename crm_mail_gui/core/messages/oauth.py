"""OAuth2 sign-in errors (core.oauth.OAuthError kinds) and the loopback page."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "sign_in_again": {
        "ja": "サインインの有効期限が切れたか、取り消されました。もう一度サインインしてください。",
        "en": "The sign-in has expired or was revoked. Please sign in again.",
    },
    "not_signed_in": {
        "ja": "まだサインインしていません。「サインイン」を押してください。",
        "en": "Not signed in yet. Click “Sign in”.",
    },
    "denied": {
        "ja": "サインインが拒否されました({detail})。",
        "en": "The sign-in was refused ({detail}).",
    },
    "state_mismatch": {
        "ja": (
            "{seconds} 秒以内にこのサインインへの応答が届きませんでした。"
            "届いた応答はこの要求と一致しない(state が違う)ため、安全のため無視しました。"
        ),
        "en": (
            "No sign-in answer for this request arrived within {seconds} s. Answers that did not "
            "match it (state differs) arrived and were ignored, for safety."
        ),
    },
    "invalid_client": {
        "ja": "アプリの登録(クライアント ID / シークレット)が受け付けられませんでした: {detail}",
        "en": "The app registration (client ID / secret) was not accepted: {detail}",
    },
    "server_error": {
        "ja": "認可サーバーがエラーを返しました: {detail}",
        "en": "The authorization server answered with an error: {detail}",
    },
    "network": {
        "ja": "認可サーバーに接続できません: {detail}",
        "en": "Cannot reach the authorization server: {detail}",
    },
    "invalid_answer": {
        "ja": "認可サーバーには接続できましたが、不正な応答が返りました: {detail}",
        "en": "The authorization server was reached but sent an invalid answer: {detail}",
    },
    "slow_answer": {
        "ja": "認可サーバーには接続できましたが、応答が {seconds} 秒以内に終わりませんでした。",
        "en": "The authorization server was reached but did not finish its answer within "
        "{seconds} s.",
    },
    "cancelled": {"ja": "サインインを中止しました。", "en": "The sign-in was cancelled."},
    "timeout": {
        "ja": "ブラウザでのサインインが {seconds} 秒以内に完了しませんでした。",
        "en": "The sign-in in the browser did not finish within {seconds} s.",
    },
    "expired_code": {
        "ja": "デバイスコードの有効期限が切れました。もう一度お試しください。",
        "en": "The device code expired. Please try again.",
    },
    "no_device_flow": {
        "ja": "このプロバイダはデバイスコードでのサインインに対応していません。",
        "en": "This provider does not offer sign-in with a device code.",
    },
}

PAGE: dict[str, dict[str, str]] = {
    "ignored": {
        "ja": "この応答は実行中のサインインのものではないため、無視しました。",
        "en": "This answer does not belong to the sign-in in progress; it was ignored.",
    },
    "signed_in": {"ja": "サインインが完了しました", "en": "Signed in"},
    "failed": {"ja": "サインインできませんでした", "en": "Sign-in failed"},
    "return": {
        "ja": "crm-mail-gui の画面に戻ってください。このタブは閉じてかまいません。",
        "en": "Return to crm-mail-gui; you may close this tab.",
    },
}
"""The page the browser shows after the redirect to the loopback address."""

TEXTS.update({f"page.{key}": entry for key, entry in PAGE.items()})
