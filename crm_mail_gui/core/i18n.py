"""Language choice and text lookup: the one module that compares languages."""

from __future__ import annotations

import os

from crm_mail_gui.core import messages

LANGUAGES = ("ja", "en")
_current = {"lang": ""}


def detect_language() -> str:
    """Return "ja" on a Japanese system (environment or OS locale), "en" otherwise."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    import locale  # only without a locale in the environment (mostly Windows)

    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "ja" if loc.lower().startswith(("ja", "japanese")) else "en"


def set_language(lang: str | None) -> str:
    """Set the language used by `tr` (None or "" detects it); return the language in force."""
    if lang and lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}: use one of {', '.join(LANGUAGES)}")
    _current["lang"] = lang or detect_language()
    return _current["lang"]


def current_language() -> str:
    """Return the language in force, detecting it on first use."""
    if not _current["lang"]:
        _current["lang"] = detect_language()
    return _current["lang"]


class _KeepMissing(dict):
    """Format parameters that leave an unknown `{placeholder}` visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def tr(
    catalogue: dict[str, dict[str, str]], key: str, lang: str | None = None, /, **params: object
) -> str:
    """Look `key` up in a {key: {lang: text}} catalogue and fill in `params`."""
    entry = catalogue[key]
    text = entry.get(lang or current_language()) or entry["en"]
    return text.format_map(_KeepMissing(params)) if params else text


def text(key: str, lang: str | None = None, /, **params: object) -> str:
    """The catalogue text of `key` ("<area>.<name>", see core.messages) with `params` filled in.

    A parameter with a `message(lang)` method (a FieldError, a store Reason) is rendered in the
    same language, so a text never mixes two.
    """
    area, _, name = key.partition(".")
    lang = lang or current_language()
    rendered = {
        param: value.message(lang) if callable(getattr(value, "message", None)) else value
        for param, value in params.items()
    }
    return tr(messages.area_texts(area), name, lang, **rendered)
