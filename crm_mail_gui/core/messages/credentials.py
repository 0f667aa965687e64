"""Names of the credential stores and their warnings (core.credential_store_names)."""

from __future__ import annotations

BACKEND: dict[str, dict[str, str]] = {
    "windows": {"ja": "Windows 資格情報マネージャー", "en": "Windows Credential Manager"},
    "macos": {"ja": "macOS キーチェーン", "en": "macOS Keychain"},
    "secret_service": {
        "ja": "GNOME キーリング(Secret Service)",
        "en": "GNOME Keyring (Secret Service)",
    },
    "gnome_keyring": {"ja": "GNOME キーリング", "en": "GNOME Keyring"},
    "kwallet": {"ja": "KWallet", "en": "KWallet"},
    "memory": {
        "ja": "メモリ内の一時ストア(テスト用)",
        "en": "an in-memory store (for tests)",
    },
    "plaintext_file": {
        "ja": "暗号化されていないファイル({path})",
        "en": "an unencrypted file ({path})",
    },
    "encrypted_file": {
        "ja": "暗号化されたファイル({path})",
        "en": "an encrypted file ({path})",
    },
    "unknown": {
        "ja": "見慣れない資格情報ストア({name})",
        "en": "an unfamiliar credential store ({name})",
    },
}

WEAK: dict[str, dict[str, str]] = {
    "plaintext": {
        "ja": "パスワードは暗号化されずにこのファイルに書き込まれます。"
        "このファイルを読める人やプログラムは誰でもパスワードを読めます。",
        "en": "the password is written unencrypted to this file. Anyone and any program that "
        "can read the file can read the password.",
    },
    "weak_file": {
        "ja": "パスワードはこのファイルに書き込まれ、弱い暗号化({scheme})でしか守られていません。",
        "en": "the password is written to this file, protected only by weak encryption ({scheme}).",
    },
    "file": {
        "ja": "パスワードは OS の資格情報ストアではなく、このファイルに書き込まれます({scheme})。",
        "en": "the password is written to this file ({scheme}), not to the system's credential "
        "store.",
    },
    "not_recommended": {
        "ja": "この保存先は keyring が推奨しないものです(優先度 {priority})。"
        "パスワードが弱く守られたファイルに書き込まれるおそれがあります。",
        "en": "keyring does not recommend this store (priority {priority}); the password may "
        "be written to a weakly protected file.",
    },
}

TEXTS: dict[str, dict[str, str]] = {
    "none": {"ja": "なし", "en": "none"},
    "chain": {"ja": "{stores}(この順に使用)", "en": "{stores} (used in this order)"},
    "chain_separator": {"ja": "、", "en": ", then "},
    "warning": {
        "ja": "警告: {text}できれば OS の資格情報ストア(Windows 資格情報マネージャー、"
        "macOS キーチェーン、GNOME キーリング、KWallet)を使ってください。",
        "en": "Warning: {text} Prefer a system credential store (Windows Credential Manager, "
        "macOS Keychain, GNOME Keyring, KWallet).",
    },
    "reused": {
        "ja": "{user}({server})用に {where} に保存済みのパスワードを使います。",
        "en": "Using the password stored for {user} at {server} ({where}).",
    },
    "reused_unless_typed": {
        "ja": "{user}({server})用に {where} に保存済みのパスワードを使います"
        "(別のパスワードを入力すると、そちらを使います)。",
        "en": "Using the password stored for {user} at {server} ({where}), unless you type "
        "another.",
    },
    **{f"backend.{key}": entry for key, entry in BACKEND.items()},
    **{f"weak.{key}": entry for key, entry in WEAK.items()},
}
