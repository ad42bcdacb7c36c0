"""Reading typed answers forgivingly: numbers in text, choice labels, don't-know and skip words.

Pure functions over the question model, in Indonesian and English. `read_answer` turns
what a person typed into one `Reading`; the host turns it into an engine input
(`Value` -> AnswerInput, `SaidDontKnow` -> DontKnow, `SaidSkip` -> Skip, `SaidNext` ->
Acknowledge) or, for `Unclear`, sends `reask(question, lang, t)`: one message naming the
forms that are accepted. Range checks stay with the engine: "11" on a 1-10 scale reads as
11, and the engine says the maximum is 10.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.questionnaire.model import AnswerValue, Choice, Number, Question, QuestionType


@dataclass(frozen=True)
class Value:
    """The text gave an answer value of the question's type."""

    value: AnswerValue


@dataclass(frozen=True)
class SaidDontKnow:
    """The person said they do not know (only where the question offers it)."""


@dataclass(frozen=True)
class SaidSkip:
    """The person asked to skip (only where the question may be skipped)."""


@dataclass(frozen=True)
class SaidNext:
    """The person asked to go on past a note."""


@dataclass(frozen=True)
class Unclear:
    """The text could not be read as an answer; `reason` is for logs and tests only."""

    reason: str


Reading = Value | SaidDontKnow | SaidSkip | SaidNext | Unclear


class Translate(Protocol):
    """The catalog lookup, `bot.i18n.t`."""

    def __call__(self, key: str, lang: str, /, **params: object) -> str: ...


# --- normalising --------------------------------------------------------------------------

_APOSTROPHES = str.maketrans("", "", "'’‘`´")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")  # "tauuu" -> "tau"; "nggak" keeps its "gg"


def normalise(text: str) -> str:
    """Lower case, accents and apostrophes dropped, punctuation turned into single spaces."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    words = _NOT_WORD.sub(" ", plain.translate(_APOSTROPHES)).split()
    return _REPEATS.sub(r"\1", " ".join(words))


# Courtesy and filler words people wrap an answer in ("Tidak tahu, Pak.", "I'm not sure").
_FILLER = frozenset(
    {
        "saya", "sy", "aku", "kami", "maaf", "mohon", "pak", "bu", "bapak", "ibu", "mas",
        "mbak", "kak", "juga", "sih", "deh", "nih", "ya", "jujur", "sebenarnya", "terus",
        "terang", "benar", "bener", "betul", "sama", "sekali", "untuk", "ini", "itu",
        "soal", "hal", "pertanyaan", "yg", "yang", "i", "im", "am", "sorry", "really",
        "honestly", "about", "this", "that",
    }
)  # fmt: skip


def _without_filler(text: str) -> str:
    return " ".join(word for word in normalise(text).split() if word not in _FILLER)


# --- don't know, skip, next ------------------------------------------------------------

_NEGATIONS = (
    "tidak", "tdk", "tak", "gak", "ga", "gk", "g", "nggak", "ngga", "ngak", "enggak",
    "engga", "nda", "ndak", "kurang", "belum",
)  # fmt: skip
_KNOW = ("tahu", "tau", "tw", "paham", "yakin", "mengetahui", "tahu menahu")
_DONT_KNOW = frozenset(
    {f"{neg} {verb}" for neg in _NEGATIONS for verb in _KNOW}
    | {f"{neg}{verb}" for neg in ("ga", "gak", "gk", "nggak", "ngga", "g") for verb in _KNOW}
    | {
        "tt", "dk", "idk", "dunno", "entah", "entahlah", "nggak ngerti", "gak ngerti",
        "tidak mengerti", "tidak dapat menilai", "tidak bisa menilai", "tdk bisa menilai",
        "tidak dapat dinilai", "tidak bisa dinilai", "sulit menilai", "susah menilai",
        "dont know", "do not know", "dont knw", "not sure", "unsure", "no idea",
        "cannot say", "cant say", "cannot judge", "cant judge", "no opinion",
        "dont know really", "have no idea", "hard to say", "sulit dikatakan",
    }
)  # fmt: skip
_SKIP = frozenset(
    {
        "lewati", "lewat", "dilewati", "lewati saja", "lewat saja", "skip", "skip it", "pass",
        "lompat", "lompati", "tidak ada", "tdk ada", "ga ada", "gak ada", "nggak ada",
        "tidak ada komentar", "tidak ada catatan", "tanpa catatan", "tanpa komentar",
        "cukup", "none", "nothing", "no comment", "no comments", "nope", "no", "n a",
    }
)  # fmt: skip
_SKIP_MARKS = frozenset({"-", "--", "–", "—", "."})
_NEXT = frozenset(
    {
        "lanjut", "lanjutkan", "berikutnya", "next", "ok", "oke", "okay", "okey", "baik",
        "siap", "mulai", "start", "continue", "go", "ya", "yes", "setuju",
    }
)  # fmt: skip


def says_dont_know(text: str) -> bool:
    """Tells whether the text means "I don't know" ("tdk tau", "Tidak tahu.", "idk")."""
    return _without_filler(text) in _DONT_KNOW or normalise(text) in _DONT_KNOW


def says_skip(text: str) -> bool:
    """Tells whether the text asks to skip the question ("lewati", "skip", "-")."""
    return text.strip() in _SKIP_MARKS or _without_filler(text) in _SKIP


def says_next(text: str) -> bool:
    """Tells whether the text asks to go on past a note ("lanjut", "ok", "next")."""
    return _without_filler(text) in _NEXT or normalise(text) in _NEXT


# --- numbers ------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "nol": 0, "kosong": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5,
    "enam": 6, "tujuh": 7, "delapan": 8, "lapan": 8, "sembilan": 9, "sepuluh": 10,
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
# Words that make a bigger number out of a small one ("dua puluh", "twenty-one"): such
# texts are left unclear rather than read as their first word.
_COMPOUND_WORDS = re.compile(
    r"\b(sebelas|belas|puluh|ratus|seratus|ribu|seribu|juta|sejuta|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty"
    r"|seventy|eighty|ninety|hundred|thousand)\b"
)
# "one" and "satu" that are not numbers: "no one", "one of", "salah satu".
_NOT_A_NUMBER_WORD = re.compile(
    r"\b(?:(?:no|any|some|every|the|this|that|which)\s+one|one\s+of|salah\s+satu)\b"
)
_NUMBER = re.compile(r"(?<![\w.,])[+-]?\d+(?:[.,]\d+)*(?![\w])")
# "8/10", "8 dari 10", "8 out of 10", "8 of 10": the first number is the answer.
_OUT_OF = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:/|dari|out of|of)\s*\d+")
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")


@dataclass(frozen=True)
class _Numbers:
    values: tuple[Number, ...]
    fraction_refused: bool = False


def _number_words_to_digits(text: str) -> str:
    text = _NOT_A_NUMBER_WORD.sub(" ", text)
    return re.sub(
        r"\b[a-z]+\b",
        lambda m: str(_NUMBER_WORDS[m.group()]) if m.group() in _NUMBER_WORDS else m.group(),
        text,
    )


def _parse(token: str, decimals: bool) -> Number | None:
    sign = -1 if token.startswith("-") else 1
    digits = token.lstrip("+-")
    if re.fullmatch(r"\d+", digits):
        return sign * int(digits)
    if "." in digits and "," in digits:  # "1.500,5": Indonesian thousands and decimal
        digits = digits.replace(".", "").replace(",", ".")
    elif not decimals and _THOUSANDS.fullmatch(digits):  # "1.000" in a whole-number answer
        return sign * int(re.sub(r"[.,]", "", digits))
    else:
        digits = digits.replace(",", ".")
    if not decimals or digits.count(".") != 1:
        return None
    return sign * float(digits)


def _lower_keeping_marks(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_APOSTROPHES))
    return " ".join("".join(ch for ch in folded if not unicodedata.combining(ch)).split())


def _numbers_in(text: str, decimals: bool) -> _Numbers | None:
    lowered = _lower_keeping_marks(text)
    if _COMPOUND_WORDS.search(lowered):
        return None
    lowered = _OUT_OF.sub(r"\1", _number_words_to_digits(lowered))
    values: list[Number] = []
    refused = False
    # The pattern takes a sign only where no digit precedes it: "7-8" is two numbers.
    for match in _NUMBER.finditer(lowered):
        number = _parse(match.group(), decimals)
        if number is None:
            refused = True
        else:
            values.append(number)
    return _Numbers(tuple(dict.fromkeys(values)), refused)


def read_number(text: str, *, decimals: bool) -> Number | None:
    """The one number a text gives ("12 tahun", "8/10", "delapan", "7,5"), or None.

    None when there is no number, when there are two different ones ("7 atau 8"), and when
    a fraction is typed where only whole numbers are allowed.
    """
    found = _numbers_in(text, decimals)
    if found is None or found.fraction_refused or len(found.values) != 1:
        return None
    return found.values[0]


# --- choices -----------------------------------------------------------------------------

_CHOICE_FILLER = _FILLER | frozenset(
    {
        "dari", "mewakili", "wakil", "unsur", "sektor", "sector", "kelompok", "bidang",
        "pilih", "pilihan", "jawaban", "jawabannya", "from", "represent", "representing",
        "choose", "answer", "my", "of", "the", "a", "an",
    }
)  # fmt: skip


def _choice_words(text: str) -> list[str]:
    return [word for word in normalise(text).split() if word not in _CHOICE_FILLER]


def _labels(choice: Choice) -> list[str]:
    """The labels a person sees, in both languages (the value is matched only exactly)."""
    labels = [choice.label.id]
    if choice.label.en:
        labels.append(choice.label.en)
    return labels


def _unique(matches: Sequence[Choice]) -> str | None:
    values = {choice.value for choice in matches}
    return values.pop() if len(values) == 1 else None


def match_choice(choices: Sequence[Choice], text: str) -> str | None:
    """The value of the one choice the text names, or None when none or several fit.

    Tried in order: the whole label or value ("Birokrasi"), a unique beginning of a label
    ("birok"), then words each starting a word of one label only ("pemerintah" for
    "Pemerintah / DPRD", "dunia usaha" for "Masyarakat Ekonomi (Dunia Usaha)").
    """
    typed = normalise(text)
    if not typed:
        return None
    exact = [c for c in choices if any(normalise(lb) == typed for lb in [c.value, *_labels(c)])]
    if exact:
        return _unique(exact)
    words = _choice_words(text)
    joined = " ".join(words)
    if not joined:
        return None
    if len(joined) >= 3:
        starts = [c for c in choices if any(normalise(lb).startswith(joined) for lb in _labels(c))]
        if starts:
            return _unique(starts)
    if any(len(word) < 3 for word in words):
        return None
    fitting = [
        c
        for c in choices
        if any(_every_word_starts_a_word(words, normalise(label)) for label in _labels(c))
    ]
    return _unique(fitting)


def _every_word_starts_a_word(words: Sequence[str], label: str) -> bool:
    label_words = label.split()
    return all(any(lw.startswith(word) for lw in label_words) for word in words)


_LIST_SEPARATORS = re.compile(r"\s*(?:[,;&+\n]|\bdan\b|\band\b|\bserta\b)\s*", re.I)


def match_choices(choices: Sequence[Choice], text: str) -> tuple[str, ...] | None:
    """The values a list of labels names ("kesehatan, infrastruktur"), in form order."""
    single = match_choice(choices, text)
    if single is not None:
        return (single,)
    parts = [part for part in _LIST_SEPARATORS.split(text) if part.strip()]
    if len(parts) < 2:
        return None
    picked: set[str] = set()
    for part in parts:
        value = match_choice(choices, part)
        if value is None:
            return None
        picked.add(value)
    return tuple(c.value for c in choices if c.value in picked)


# --- one typed answer ---------------------------------------------------------------------


def read_answer(question: Question, text: str) -> Reading:
    """Reads what a person typed for `question` as one answer, or says why it cannot."""
    if not text.strip():
        return Unclear("empty")
    kind = question.type
    if kind is QuestionType.NOTE:
        return SaidNext() if says_next(text) else Unclear("not a way on")
    if kind is QuestionType.TEXT:
        return _read_text(question, text)
    if kind.is_choice:
        picked = _read_choice(question, text)
        if picked is not None:
            return picked
    else:
        number = _read_numeric(question, text)
        if number is not None:
            return number
    if says_dont_know(text):
        return SaidDontKnow() if question.allow_dont_know else Unclear("don't know not offered")
    if says_skip(text):
        return SaidSkip() if not question.required else Unclear("required")
    return Unclear("no answer found")


def _read_text(question: Question, text: str) -> Reading:
    if not question.required and says_skip(text):
        return SaidSkip()
    if question.allow_dont_know and says_dont_know(text):
        return SaidDontKnow()
    return Value(text.strip())


def _read_choice(question: Question, text: str) -> Reading | None:
    if question.type is QuestionType.SINGLE_CHOICE:
        value = match_choice(question.choices, text)
        return Value(value) if value is not None else None
    values = match_choices(question.choices, text)
    return Value(values) if values else None


def _read_numeric(question: Question, text: str) -> Reading | None:
    if question.type is QuestionType.SCALE:
        anchored = _scale_end(question, text)
        if anchored is not None:
            return Value(anchored)
    decimals = question.type is QuestionType.DECIMAL
    number = read_number(text, decimals=decimals)
    if number is None:
        return None
    return Value(float(number) if decimals else int(number))


def _scale_end(question: Question, text: str) -> int | None:
    typed = normalise(text)
    ends = [
        (question.scale_min_label, question.scale_min),
        (question.scale_max_label, question.scale_max),
    ]
    for label, value in ends:
        if label is not None and typed in {normalise(label.id), normalise(label.en or "")}:
            return value
    return None


# --- the re-ask --------------------------------------------------------------------------


def reask(question: Question, lang: str, translate: Translate) -> str:
    """The one message that asks again, naming the forms `read_answer` accepts."""
    also = _also(question, lang, translate)
    match question.type:
        case QuestionType.SCALE:
            return translate(
                "reask_scale", lang, low=question.scale_min, high=question.scale_max, also=also
            )
        case QuestionType.INTEGER | QuestionType.DECIMAL:
            key = "reask_integer" if question.type is QuestionType.INTEGER else "reask_decimal"
            return translate(key, lang, bounds=_bounds(question, lang, translate), also=also)
        case QuestionType.SINGLE_CHOICE | QuestionType.MULTIPLE_CHOICE:
            key = (
                "reask_single" if question.type is QuestionType.SINGLE_CHOICE else "reask_multiple"
            )
            labels = ", ".join(f"“{c.label.get(lang)}”" for c in question.choices)
            return translate(key, lang, choices=labels, also=also)
        case QuestionType.TEXT:
            return translate("text_instruction", lang, max=question.max_length)
        case QuestionType.NOTE:
            return translate("reask_note", lang)
        case QuestionType.DATE | QuestionType.TIME | QuestionType.DATETIME:
            return translate(f"{question.type.value}_instruction", lang)
        case QuestionType.CALCULATE:  # pragma: no cover - calculations are never asked
            return ""


def _also(question: Question, lang: str, translate: Translate) -> str:
    dont_know = question.allow_dont_know
    skip = not question.required
    if dont_know and skip:
        return translate("reask_also_both", lang)
    if dont_know:
        return translate("reask_also_dont_know", lang)
    if skip:
        return translate("reask_also_skip", lang)
    return ""


def _bounds(question: Question, lang: str, translate: Translate) -> str:
    low, high = question.min_value, question.max_value
    if low is not None and high is not None:
        return translate("bounds_between", lang, low=_shown(low, lang), high=_shown(high, lang))
    if low is not None:
        return translate("bounds_at_least", lang, low=_shown(low, lang))
    if high is not None:
        return translate("bounds_at_most", lang, high=_shown(high, lang))
    return ""


def _shown(value: Number, lang: str) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(".", ",") if lang == "id" else str(value)
