"""Coarse respondent categories for pseudonymous exports: a few groups, never the text as typed.

Organisers type a participant's category freely ("Ketua DPRD Provinsi Jambi",
"Wartawan senior Jambi Ekspres"); copied into an export, such a text names one person
beside their pseudonym. The pseudonymous sheets carry instead one of the few groups of
the IGI's participant categories (decision makers, bureaucracy officials, business
leaders, civil-society figures: NGO, media, academia, cooperatives), found by whole words
in the category as typed; what matches none is `other`. A group with fewer than
`MIN_GROUP` people in its workshop and arena is shown as `other` as well, so that a
group of one or two does not point at them. The text as typed appears only in the
roster of an export made with names.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Final

from bot.services.progress import ParticipantInfo, WorkshopProgress

OTHER: Final = "other"
MIN_GROUP: Final = 3
"""The fewest people of one workshop and arena a group is shown for."""

# First match wins: the specific groups of civil society before the general one, and
# decision makers before officials ("Sekretaris Daerah" is both; the IGI counts the Sekda
# among decision makers). No "eksekutif": NGOs have a "Direktur Eksekutif". Each group's
# words are separated by ', '.
_KEYWORDS: Final[tuple[tuple[str, str], ...]] = (
    (
        "decision_maker",
        "dprd, dpr, dewan perwakilan, anggota dewan, legislatif, legislative, komisi, "
        "fraksi, badan anggaran, banggar, gubernur, governor, bupati, walikota, wali "
        "kota, sekda, sekretaris daerah, staf ahli, pengambil kebijakan, "
        "pengambil keputusan, decision maker, policy maker, parliament, legislator",
    ),
    (
        "official",
        "birokrat, birokrasi, bureaucrat, bureaucracy, pejabat, official, aparatur, "
        "asn, pns, skpd, opd, dinas, bappeda, inspektorat, biro, badan, kepala, "
        "sekretariat, civil servant",
    ),
    (
        "academic",
        "akademisi, akademik, academic, academia, dosen, universitas, university, "
        "peneliti, researcher, rektor, guru besar, profesor, professor, kampus",
    ),
    (
        "media",
        "media, jurnalis, journalist, wartawan, pers, press, redaksi, redaktur, editor, reporter",
    ),
    (
        "cooperative",
        "koperasi, cooperative",
    ),
    (
        "business",
        "pelaku usaha, dunia usaha, pengusaha, usaha, business, bisnis, kadin, apindo, "
        "hipmi, asosiasi, association, umkm, industri, industry, perusahaan, company, "
        "swasta, private sector, bumd, bumn",
    ),
    (
        "civil_society",
        "lsm, ngo, masyarakat sipil, civil society, tokoh masyarakat, tokoh, aktivis, "
        "activist, yayasan, foundation, ormas, organisasi masyarakat, walhi, lbh, "
        "komunitas, community, adat, agama, religious",
    ),
)
_PATTERNS: Final = tuple(
    (group, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words.split(", ")) + r")\b"))
    for group, words in _KEYWORDS
)
GROUPS: Final = (*(group for group, _ in _KEYWORDS), OTHER)


def coarse_category(category: str | None) -> str:
    """The group a category as typed falls in ('Ketua DPRD Provinsi Jambi' -> decision_maker)."""
    if not category:
        return OTHER
    folded = unicodedata.normalize("NFKD", category.casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    words = " ".join(re.sub(r"[^\w]+", " ", plain).split())
    for group, pattern in _PATTERNS:
        if pattern.search(words):
            return group
    return OTHER


def coarse_categories(workshops: Sequence[WorkshopProgress]) -> dict[int, str]:
    """Each participant's group by participant id, small groups shown as `other`."""
    shown: dict[int, str] = {}
    for workshop in workshops:
        people = [respondent.participant for respondent in workshop.respondents]
        shown.update(_with_small_groups_folded(people))
    return shown


def _with_small_groups_folded(people: Iterable[ParticipantInfo]) -> dict[int, str]:
    found = {person.id: (person.arena, coarse_category(person.category)) for person in people}
    sizes = Counter(found.values())
    return {
        pid: group if group == OTHER or sizes[(arena, group)] >= MIN_GROUP else OTHER
        for pid, (arena, group) in found.items()
    }
