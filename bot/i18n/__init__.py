"""The catalog of every user-visible string, in Indonesian and English, and `t` to read it.

The strings live in three modules, one per audience (`participant`, `staff`, and
`research`: the national report and the facilitators' research lines); `CATALOG` joins
them, and a key may be in only one.
"""

from __future__ import annotations

from typing import Final

from bot.i18n.participant import PARTICIPANT
from bot.i18n.research import RESEARCH
from bot.i18n.staff import STAFF
from bot.questionnaire.vocabulary import DEFAULT_LANGUAGE as DEFAULT_LANGUAGE
from bot.questionnaire.vocabulary import LANGUAGES as LANGUAGES

# key -> (Indonesian, English). Placeholders use str.format names.
#
# The voice (participants and staff alike; tests/bot/test_i18n_voice.py keeps it):
# - Indonesian addresses the reader as "Bapak/Ibu", never "Anda" or "kamu"; the bot speaks
#   as "kami", never "saya" (the participant's own consent buttons say “Bersedia” and
#   “Tidak bersedia”). Requests open with "Silakan" or "Mohon". No exclamation marks.
# - English says "you" and "we", plainly and politely ("please"), without idiom.
# - Button names and words to type are quoted with curly double quotes: “Bersedia”,
#   “tidak tahu” (not « » guillemets, which neither language uses).
# - One instruction per message: a problem line says what to do, not the same thing twice.
CATALOG: Final[dict[str, tuple[str, str]]] = {**PARTICIPANT, **STAFF, **RESEARCH}
if len(CATALOG) != len(PARTICIPANT) + len(STAFF) + len(RESEARCH):  # pragma: no cover
    raise RuntimeError("a key is in more than one catalog module")

# Bot commands as registered with setMyCommands: (Indonesian name, English alias, key).
COMMAND_DESCRIPTIONS: Final[dict[str, tuple[str, str]]] = {
    "lanjut": ("Tampilkan pertanyaan saat ini", "Show the current question"),
    "progres": ("Kemajuan pengisian", "Your progress"),
    "tinjau": ("Tinjau dan ubah jawaban", "Review and change answers"),
    "kirim": ("Kirim jawaban", "Submit answers"),
    "agenda": ("Jadwal lokakarya", "Workshop agenda"),
    "bahasa": ("Ganti bahasa", "Change language"),
    "bantuan": ("Bantuan", "Help"),
}


def normalise_language(code: str | None) -> str:
    """Maps a Telegram language_code or stored value onto a supported language."""
    if code and code.lower().split("-")[0] == "en":
        return "en"
    return DEFAULT_LANGUAGE


def t(key: str, lang: str, /, **params: object) -> str:
    """Returns the string for `key` in `lang`, formatted with `params`."""
    indonesian, english = CATALOG[key]
    template = english if lang == "en" else indonesian
    return template.format(**params) if params else template
