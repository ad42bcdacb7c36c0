"""The one way content is put into an HTML message: every interpolated value escaped."""

from __future__ import annotations

from html import escape

from bot.i18n import t


def t_html(key: str, lang: str, /, **params: object) -> str:
    """The catalog string for an HTML message, its values (titles, names, answers) escaped.

    The catalog's own markup stays; what people wrote (a section title with '<' or '&', a
    name) is shown as written instead of breaking the message.
    """
    return t(key, lang, **{name: escape(str(value)) for name, value in params.items()})
