"""Small inline questionnaires for tests."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime

from bot.questionnaire.loader import LoadResult, load_questionnaire_yaml
from bot.questionnaire.model import Questionnaire

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

HEADER = """\
id: test-form
version: "1"
title: {id: Uji, en: Test}
"""


def load(body: str, header: str = HEADER) -> LoadResult:
    """Loads `header` + dedented `body` (usually a `sections:` block)."""
    return load_questionnaire_yaml(header + textwrap.dedent(body))


def form(body: str) -> Questionnaire:
    """Loads a form that must be valid."""
    return load(body).unwrap()


# Every question type, one relevance chain, one constraint.
ALL_TYPES = """\
sections:
  - id: s1
    title: {id: Satu, en: One}
    arena: government
    questions:
      - id: intro
        type: note
        text: {id: Selamat datang, en: Welcome}
      - id: score
        type: scale
        principle: participation
        text: {id: Nilai, en: Score}
      - id: sector
        type: single_choice
        text: {id: Sektor, en: Sector}
        choices:
          - {value: gov, label: {id: Pemerintah, en: Government}}
          - {value: other, label: {id: Lainnya, en: Other}}
      - id: sector_other
        type: text
        max_length: 20
        relevant: "${sector} = 'other'"
        text: {id: Sektor lain, en: Other sector}
      - id: topics
        type: multiple_choice
        required: false
        text: {id: Topik, en: Topics}
        choices:
          - {value: a, label: {id: A, en: A}}
          - {value: b, label: {id: B, en: B}}
          - {value: c, label: {id: C, en: C}}
  - id: s2
    title: {id: Dua, en: Two}
    questions:
      - id: years
        type: integer
        min: 0
        max: 60
        dont_know: false
        text: {id: Tahun, en: Years}
      - id: role_years
        type: decimal
        min: 0
        required: false
        constraint: ". <= ${years}"
        constraint_message: {id: Tidak boleh lebih dari tahun keterlibatan, en: Too many}
        text: {id: Tahun di jabatan sekarang, en: Years in current role}
      - id: comment
        type: text
        required: false
        text: {id: Catatan, en: Comment}
"""
