"""Who a row of a participant list is: phone in E.164, e-mail lowercased, bare name.

Organisers' lists change between imports: a phone number is added, a title or a degree
appears ("Siti Aminah" becomes "Dr. Hj. Siti Aminah, M.Si."), case and punctuation vary.
A re-import matches people by any of the three, so none of these makes a second person.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

IMPORT_KEY_LENGTH = 128  # storage.models.Participant.import_key

_PHONE_JUNK = re.compile(r"[\s.\-()/]+")
_PHONE_SPLIT = re.compile(r"\s*(?:[/;,]|\bdan\b|\batau\b|\bor\b)\s*")
# Indonesian numbers after the country code: 8 to 12 digits, never starting with 0.
_NATIONAL_NUMBER = re.compile(r"^[1-9]\d{7,11}$")

# Written before a name (compared without dots, case-folded): honorifics, religious
# and academic titles.
PREFIX_TITLES = frozenset(
    [
        "dr",
        "drs",
        "dra",
        "ir",
        "prof",
        "h",
        "hj",
        "kh",
        "tgh",
        "ust",
        "ustadz",
        "bapak",
        "bpk",
        "pak",
        "ibu",
        "bu",
        "tn",
        "ny",
        "nn",
        "sdr",
        "sdri",
    ]
)
# Written after a name, usually after a comma: Indonesian and international degrees.
SUFFIX_DEGREES = frozenset(
    [
        "se",
        "sh",
        "ssos",
        "spd",
        "st",
        "skom",
        "sip",
        "sag",
        "ssi",
        "sm",
        "skm",
        "skep",
        "sked",
        "sfarm",
        "shi",
        "sth",
        "sik",
        "sds",
        "ak",
        "mm",
        "msi",
        "mh",
        "mpd",
        "mt",
        "mkes",
        "mkom",
        "mag",
        "mhum",
        "mp",
        "msc",
        "mba",
        "mpa",
        "mph",
        "mtp",
        "mkn",
        "phd",
        "lc",
        "amd",
        "dr",
        "drs",
        "ir",
        "cpa",
    ]
)
_TOKEN_PUNCTUATION = re.compile(r"[^\w]+")


@dataclass(frozen=True, slots=True)
class Identity:
    """The comparable parts of a person: any one equal means the same person."""

    phone: str | None
    email: str | None
    name: str

    def key(self) -> str:
        """The participant's import key: phone, else e-mail, else bare name."""
        if self.phone:
            return f"phone:{self.phone}"
        if self.email:
            return f"email:{self.email}"
        key = f"name:{self.name}"
        if len(key) > IMPORT_KEY_LENGTH:
            key = "name#" + hashlib.sha256(self.name.encode()).hexdigest()
        return key


def identity(name: str, phone: str | None, email: str | None) -> Identity:
    """The identity of a person as written in a list or stored."""
    return Identity(
        phone=normalise_phone(phone) if phone else None,
        email=normalise_email(email) if email else None,
        name=bare_name(name),
    )


def normalise_email(text: str) -> str:
    """'  Siti.Aminah@Example.ID ' -> 'siti.aminah@example.id'."""
    return unicodedata.normalize("NFC", text).strip().casefold()


def bare_name(name: str) -> str:
    """The name without titles, degrees, punctuation or case: 'Dr. Hj. Siti Aminah, M.Si.'
    and 'siti aminah' are both 'siti aminah'. Never empty for a non-empty name."""
    text = unicodedata.normalize("NFC", name).casefold()
    before_comma = text.split(",", 1)[0]  # "Name, S.E., M.Si": degrees follow the comma
    tokens = [_TOKEN_PUNCTUATION.sub("", token) for token in before_comma.split()]
    tokens = [token for token in tokens if token]
    while len(tokens) > 1 and tokens[0] in PREFIX_TITLES:
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1] in SUFFIX_DEGREES:
        tokens.pop()
    if tokens:
        return " ".join(tokens)
    # A name of punctuation only: keep what there is, so it is still compared.
    return " ".join(text.split())


def normalise_phone(text: str) -> str | None:
    """Returns an Indonesian number in E.164 (+62XXXXXXXXX), or None if it is not one.

    Accepts 08xx, 8xx (Excel dropped the 0), 62xx, +62 xx-xxx, +62 (0)8xx, with spaces,
    dots, dashes and parentheses; of several numbers in one cell the first is taken.
    """
    first = _PHONE_SPLIT.split(text.strip(), maxsplit=1)[0]
    digits = _PHONE_JUNK.sub("", first)
    if digits.startswith("+"):
        if not digits.startswith("+62"):
            return None
        national = digits[3:]
    elif digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = digits
    national = national.removeprefix("0")  # "+62 (0)812..."
    if not _NATIONAL_NUMBER.match(national):
        return None
    return f"+62{national}"


def matched_by(row: Identity, other: Identity) -> tuple[str, ...]:
    """Which parts say the two are one person: ('phone',), ('email', 'name'), or ()."""
    found = []
    if row.phone and row.phone == other.phone:
        found.append("phone")
    if row.email and row.email == other.email:
        found.append("email")
    if row.name == other.name:
        found.append("name")
    return tuple(found)


def contradiction(row: Identity, other: Identity) -> str | None:
    """Why two people matched by name alone may still be two people, or None."""
    if row.phone and other.phone and row.phone != other.phone:
        return "another phone number"
    if row.email and other.email and row.email != other.email:
        return "another e-mail address"
    return None
