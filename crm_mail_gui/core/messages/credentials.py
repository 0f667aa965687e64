"""Names of the credential stores (core.credentials.describe_backend)."""

from __future__ import annotations

BACKEND: dict[str, dict[str, str]] = {
    "WinVaultKeyring": {"ja": "Windows 資格情報マネージャー", "en": "Windows Credential Manager"},
    "Keyring:macOS": {"ja": "macOS キーチェーン", "en": "macOS Keychain"},
    "SecretService": {
        "ja": "Secret Service(GNOME キーリング等)",
        "en": "Secret Service (GNOME Keyring and others)",
    },
    "KWallet": {"ja": "KWallet", "en": "KWallet"},
    "MemoryKeyring": {
        "ja": "メモリ内の一時ストア(テスト用)",
        "en": "an in-memory store (for tests)",
    },
}

TEXTS: dict[str, dict[str, str]] = {
    "none": {"ja": "なし", "en": "none"},
    **{f"backend.{key}": entry for key, entry in BACKEND.items()},
}
