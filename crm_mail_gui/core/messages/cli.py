"""Texts of the command line (crm-mail-gui show/set/test/signin/…)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "password_stored": {"ja": "パスワード: 保存済み({where})", "en": "Password: stored ({where})"},
    "password_not_stored": {"ja": "パスワード: 未保存", "en": "Password: not stored"},
    "config_file": {"ja": "設定ファイル: {path}", "en": "Settings file: {path}"},
    "show_row": {"ja": "{label}: {value}", "en": "{label}: {value}"},
    "last_test": {"ja": "最後に成功したテスト", "en": "Last successful test"},
    "last_test_value": {"ja": "{at}、送信先 {to}", "en": "{at}, to {to}"},
    "last_test_none": {"ja": "記録なし", "en": "none recorded"},
    "yes": {"ja": "はい", "en": "Yes"},
    "no": {"ja": "いいえ", "en": "No"},
    "seconds": {"ja": "{seconds} 秒", "en": "{seconds} s"},
    "not_set": {"ja": "なし", "en": "none"},
    "to_default": {
        "ja": "なし(テストメールは {address} に送ります)",
        "en": "none (the test mail goes to {address})",
    },
    "preset_unknown": {
        "ja": "プリセット「{preset}」はありません。ID は crm-mail-gui presets で一覧表示できます。",
        "en": "There is no preset “{preset}”. crm-mail-gui presets lists the IDs.",
    },
    "preset_placeholder": {
        "ja": "プリセット {preset} のサーバ名 {server} の「{placeholder}」は契約ごとに違う部分です。"
        "そこを契約中のものに置き換えて、--server {server} のように指定してください"
        "(サーバーパネルや契約時のメールに書かれています)。",
        "en": "In the server name {server} of preset {preset}, “{placeholder}” differs for "
        "each contract: replace it with yours and give it as --server {server} (it is in "
        "your server panel or the sign-up mail).",
    },
    "preset_server_needed": {
        "ja": "プリセット {preset} にはサーバ名がありません。--server で指定してください"
        "(例: tls://mail.example.co.jp:587)。",
        "en": "Preset {preset} has no server name: give one with --server "
        "(e.g. tls://mail.example.co.jp:587).",
    },
    "presets_id": {"ja": "ID", "en": "ID"},
    "presets_server": {"ja": "サーバ名", "en": "Server name"},
    "presets_name": {"ja": "プロバイダ", "en": "Provider"},
    "sent": {
        "ja": "テストメールが送信されました。受信トレイを確認してください。(宛先: {to}、サーバー: {server})",
        "en": "Test Mail Sent. Check the inbox. (to {to}, server {server})",
    },
    "checked": {
        "ja": "接続テストに成功しました(メールは送信していません)。サーバー: {server}",
        "en": "Connection check passed (no mail was sent). Server: {server}",
    },
    "saved": {"ja": "設定を保存しました: {path}", "en": "Settings saved: {path}"},
    "not_saved": {
        "ja": "テストに失敗したため、設定は保存していません。",
        "en": "The test failed, so nothing was saved.",
    },
    "no_test": {
        "ja": "警告: テストせずに保存します。メールが届くかは確認されていません。",
        "en": "Warning: saving without a test. Delivery has not been checked.",
    },
    "not_configured": {
        "ja": "送信メールサーバーはまだ設定されていません(crm-mail-gui set --server …)。",
        "en": "No outgoing mail server is set up yet (crm-mail-gui set --server …).",
    },
    "password_prompt": {"ja": "パスワード: ", "en": "Password: "},
    "exported": {
        "ja": "設定をパスワードなしで書き出しました: {path}",
        "en": "Settings exported without the password: {path}",
    },
    "imported": {"ja": "設定を読み込みました: {path}", "en": "Settings imported: {path}"},
    "import_password": {
        "ja": "パスワードは含まれていません。crm-mail-gui set --password-stdin で設定するか、"
        "画面を開いて入力してください。",
        "en": "The file has no password: set it with crm-mail-gui set --password-stdin "
        "or in the window.",
    },
    "store_unavailable": {
        "ja": "資格情報ストアが使えません({backend})。パスワードを保存できません。",
        "en": "No credential store is available ({backend}); the password cannot be stored.",
    },
    "store_failed": {
        "ja": "資格情報ストアが使えません({backend}): {detail}",
        "en": "Error: credential store unavailable ({backend}): {detail}",
    },
    "store_waiting": {
        "ja": "資格情報ストアの応答を待っています…",
        "en": "Waiting for the credential store…",
    },
    "sent_not_saved": {
        "ja": "テストメールは送信されましたが、設定は保存していません(パスワードを保存できません)。",
        "en": "The test mail was sent, but nothing was saved (the password cannot be stored).",
    },
    "cancelled": {"ja": "中止しました。", "en": "Cancelled."},
    "secret_not_utf8": {
        "ja": "標準入力の内容が UTF-8 ではありません。ファイルを UTF-8 で保存してください"
        "(メモ帳: 名前を付けて保存 → 文字コード: UTF-8)。何も送信・保存していません。",
        "en": "Standard input is not UTF-8 text. Save the file as UTF-8 (Notepad: Save as → "
        "Encoding: UTF-8). Nothing was sent or saved.",
    },
    "secret_control": {
        "ja": "標準入力のパスワードに制御文字(NUL、タブ、途中の改行など)が含まれています。"
        "何も送信・保存していません。",
        "en": "The password on standard input contains a control character (NUL, tab, a line "
        "break inside it, …). Nothing was sent or saved.",
    },
    "secret_too_long": {
        "ja": "標準入力のパスワードが長すぎます({limit} バイトまで)。",
        "en": "The password on standard input is too long (at most {limit} bytes).",
    },
    "notice": {"ja": "注意: {text}", "en": "Notice: {text}"},
    "open_url": {
        "ja": "ブラウザでサインインしてください: {url}",
        "en": "Sign in in the browser: {url}",
    },
    "device_code": {
        "ja": "{url} を開き、コード {code} を入力してください。",
        "en": "Open {url} and enter the code {code}.",
    },
    "signed_in": {"ja": "サインインしました: {account}", "en": "Signed in: {account}"},
    "signed_out": {
        "ja": "サインアウトしました(トークンを削除しました)。",
        "en": "Signed out (the tokens were deleted).",
    },
    "not_oauth": {
        "ja": "OAuth2 でサインインした設定はありません。",
        "en": "The stored settings do not use an OAuth2 sign-in.",
    },
    "no_gui": {
        "ja": "画面を開けません({error})。コマンドの一覧は crm-mail-gui --help を参照してください。",
        "en": "Cannot open the window ({error}). See crm-mail-gui --help for the commands.",
    },
}
