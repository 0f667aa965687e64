"""Why a settings file (settings.json or an export) cannot be used (core.store.Reason keys)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "not_utf8": {
        "ja": "UTF-8 のテキストではありません({byte} バイト目が UTF-8 ではありません)",
        "en": "not UTF-8 text (byte {byte} is not UTF-8)",
    },
    "not_json": {
        "ja": "JSON として正しくありません({line} 行目)",
        "en": "not valid JSON (line {line})",
    },
    "too_deep": {
        "ja": "設定として正しくありません(入れ子が深すぎます)",
        "en": "not valid settings (nested too deeply)",
    },
    "not_settings": {
        "ja": "設定として正しくありません({why})",
        "en": "not valid settings ({why})",
    },
    "not_a_number": {
        "ja": "「{name}」は JSON の数値ではありません",
        "en": '"{name}" is not a JSON number',
    },
    "long_number": {
        "ja": "{count} 桁の数値です({limit} 桁まで)",
        "en": "a number with {count} digits; at most {limit}",
    },
    "duplicate_key": {
        "ja": "キー「{key}」が 2 回出てきます",
        "en": 'the key "{key}" appears twice',
    },
    "too_large": {
        "ja": "{limit} より大きいため、設定ファイルではありません",
        "en": "larger than {limit}, so not a settings file",
    },
    "not_regular": {
        "ja": "{kind}です。通常のファイルだけを読み込みます",
        "en": "{kind}; only a regular file is read",
    },
    "unreadable": {
        "ja": "読み込めません({detail})",
        "en": "cannot be read ({detail})",
    },
    "not_bool": {
        "ja": "「{key}」は true か false でなければなりません",
        "en": '"{key}" must be true or false',
    },
    "not_string": {
        "ja": "「{key}」は文字列でなければなりません",
        "en": '"{key}" must be a string',
    },
    "timeout_type": {
        "ja": "「timeout」は秒数でなければなりません",
        "en": '"timeout" must be a number of seconds',
    },
    "oauth_type": {
        "ja": "「oauth」はオブジェクトでなければなりません",
        "en": '"oauth" must be an object',
    },
    "not_object": {"ja": "JSON のオブジェクトではありません", "en": "not a JSON object"},
    "version": {
        "ja": "「version」がないか、正しくありません",
        "en": 'missing or invalid "version"',
    },
    "version_newer": {
        "ja": "バージョン {version} はこのアプリより新しい形式です",
        "en": "version {version} is newer than this app understands",
    },
    "no_server": {"ja": "「server」がありません", "en": 'missing "server"'},
    "password": {
        "ja": "パスワードが含まれています。パスワードは資格情報ストアに保存するものです",
        "en": "contains a password; passwords belong in the credential store",
    },
    "fields": {"ja": "{errors}", "en": "{errors}"},
    "not_found": {"ja": "ファイルが見つかりません", "en": "file not found"},
    "not_export": {
        "ja": "crm-mail-gui の設定ファイルではありません",
        "en": "not a crm-mail-gui settings file",
    },
}
