"""Synthetic well-informed persons for the rehearsal: names, roles and how they answer."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

ARENAS = ("government", "bureaucracy", "civil_society", "economic_society")

_GIVEN = [
    "Ahmad",
    "Siti",
    "Budi",
    "Rina",
    "Hendra",
    "Dewi",
    "Yusuf",
    "Nurul",
    "Agus",
    "Lestari",
    "Rudi",
    "Fitri",
    "Bambang",
    "Wulan",
    "Irfan",
    "Maya",
    "Joko",
    "Ratna",
    "Taufik",
    "Indah",
    "Fajar",
    "Sri",
    "Hasan",
    "Yanti",
    "Dedi",
    "Ayu",
    "Rizal",
    "Eka",
    "Arif",
    "Tuti",
    "Wahyu",
    "Nina",
    "Ismail",
    "Dian",
    "Syamsul",
    "Lina",
]
_FAMILY = [
    "Santoso",
    "Wijaya",
    "Harahap",
    "Siregar",
    "Nasution",
    "Lubis",
    "Rahman",
    "Hidayat",
    "Saputra",
    "Kurniawan",
    "Pratama",
    "Hasibuan",
    "Sembiring",
    "Effendi",
    "Syahputra",
    "Purba",
    "Daulay",
    "Rangkuti",
    "Tanjung",
    "Gultom",
]
_TITLES_BEFORE = ("", "", "Dr. ", "Ir. ", "H. ", "Hj. ", "Drs. ", "Prof. Dr. ")
_TITLES_AFTER = ("", "", ", M.Si.", ", S.H.", ", S.E.", ", M.M.", ", S.Sos.", ", M.Pd.", ", Ph.D.")

_ROLES: dict[str, list[tuple[str, str, str]]] = {
    "government": [
        ("Pengambil kebijakan", "DPRD Provinsi {province}", "Ketua Komisi I"),
        ("Pengambil kebijakan", "DPRD Provinsi {province}", "Ketua Komisi III"),
        ("Pengambil kebijakan", "DPRD Provinsi {province}", "Wakil Ketua Komisi IV"),
        ("Pengambil kebijakan", "Pemerintah Provinsi {province}", "Staf Ahli Gubernur"),
        ("Pengambil kebijakan", "DPRD Provinsi {province}", "Ketua Badan Anggaran"),
    ],
    "bureaucracy": [
        ("Pejabat birokrasi", "Sekretariat Daerah Provinsi {province}", "Asisten Pemerintahan"),
        ("Pejabat birokrasi", "Bappeda Provinsi {province}", "Kepala Bidang Perencanaan"),
        ("Pejabat birokrasi", "Dinas Kesehatan Provinsi {province}", "Sekretaris Dinas"),
        ("Pejabat birokrasi", "Inspektorat Provinsi {province}", "Inspektur Pembantu"),
        ("Pejabat birokrasi", "Dinas PMPTSP Provinsi {province}", "Kepala Dinas"),
    ],
    "civil_society": [
        ("Tokoh masyarakat sipil", "Universitas {province}", "Dosen Ilmu Pemerintahan"),
        ("Tokoh masyarakat sipil", "Harian {province} Ekspres", "Redaktur Pelaksana"),
        ("Tokoh masyarakat sipil", "Walhi {province}", "Direktur Eksekutif"),
        ("Tokoh masyarakat sipil", "LBH {province}", "Koordinator Advokasi"),
        ("Tokoh masyarakat sipil", "Koperasi Tani Sejahtera", "Ketua"),
    ],
    "economic_society": [
        ("Pelaku usaha", "KADIN Provinsi {province}", "Wakil Ketua Umum"),
        ("Pelaku usaha", "APINDO {province}", "Ketua"),
        ("Pelaku usaha", "HIPMI {province}", "Sekretaris Umum"),
        ("Pelaku usaha", "GAPKI {province}", "Ketua Cabang"),
        ("Pelaku usaha", "Asosiasi UMKM {province}", "Bendahara"),
    ],
}


class Behaviour(StrEnum):
    """How a simulated participant goes through the questionnaire."""

    STEADY = "steady"  # answers at every break and submits
    CHANGES_MIND = "changes_mind"  # goes back now and then to change an answer
    LATE = "late"  # starts only after the first reminder
    DROPS_OUT = "drops_out"  # stops half-way and never comes back
    BLOCKS = "blocks"  # blocks the bot after a few questions


@dataclass(frozen=True)
class SyntheticPerson:
    """One invitee as an organiser's spreadsheet lists them, plus how they behave."""

    name: str
    arena: str
    category: str
    organisation: str
    position: str
    phone: str
    email: str
    behaviour: Behaviour
    leniency: float  # added to every score: how kindly this person judges
    own_arena_bonus: float  # how much better they rate their own arena
    dont_know_rate: float  # chance of "don't know" about other arenas
    english: bool


def synthetic_people(
    count: int = 36, seed: int = 2026, province: str = "Jambi"
) -> list[SyntheticPerson]:
    """Builds `count` invitees balanced across the four arenas, reproducibly."""
    rng = random.Random(seed)
    behaviours = _behaviours(count, rng)
    people = []
    used: set[str] = set()
    for index in range(count):
        arena = ARENAS[index % len(ARENAS)]
        name = _unique_name(rng, used)
        category, organisation, position = rng.choice(_ROLES[arena])
        phone = "08" + "".join(str(rng.randint(0, 9)) for _ in range(10))
        handle = name.split(",")[0].split()[-1].lower()
        people.append(
            SyntheticPerson(
                name=name,
                arena=arena,
                category=category,
                organisation=organisation.format(province=province),
                position=position,
                phone=phone,
                email=f"{handle}{index}@contoh.id",
                behaviour=behaviours[index],
                leniency=rng.gauss(0, 0.8),
                own_arena_bonus=rng.uniform(0.5, 2.0),
                dont_know_rate=rng.uniform(0.02, 0.15),
                english=index % 9 == 4,
            )
        )
    return people


def _behaviours(count: int, rng: random.Random) -> list[Behaviour]:
    special = [Behaviour.BLOCKS] + [Behaviour.DROPS_OUT] * max(1, count // 12)
    special += [Behaviour.LATE] * max(1, count // 6) + [Behaviour.CHANGES_MIND] * (count // 5)
    behaviours = special[:count] + [Behaviour.STEADY] * max(0, count - len(special))
    rng.shuffle(behaviours)
    return behaviours


def _unique_name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = (
            rng.choice(_TITLES_BEFORE)
            + f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}"
            + rng.choice(_TITLES_AFTER)
        )
        if name not in used:
            used.add(name)
            return name


# Perceived quality of each arena in the rehearsal province (1-10), before personal bias.
ARENA_BASELINE = {
    "government": 5.8,
    "bureaucracy": 6.3,
    "civil_society": 6.9,
    "economic_society": 5.4,
}


def pick_score(
    person: SyntheticPerson, question_arena: str | None, rng: random.Random
) -> int | None:
    """A 1-10 score this person would give an item about `question_arena`; None = don't know."""
    own = question_arena == person.arena
    if not own and rng.random() < person.dont_know_rate:
        return None
    mean = ARENA_BASELINE.get(question_arena or "", 6.0) + person.leniency
    if own:
        mean += person.own_arena_bonus
    return max(1, min(10, round(rng.gauss(mean, 1.3))))
