"""Pure questionnaire domain: model, expressions, YAML loader, engine and scoring.

Imports neither telegram nor sqlalchemy. Submodules:
`model` (definition and answers), `expressions` (safe XLSForm-style conditions),
`loader` + `errors` + `yaml_source` (YAML -> model, collecting every problem), `relevance`,
`validation` (raw input -> answer value), `engine` (pure step function),
`scoring` (IGI index and bands), `default` (the shipped questionnaire).
"""

from __future__ import annotations

from bot.questionnaire.default import load_default_questionnaire
from bot.questionnaire.errors import Problem, ProblemCode, QuestionnaireError
from bot.questionnaire.loader import LoadResult, load_questionnaire_data, load_questionnaire_yaml
from bot.questionnaire.model import (
    Answer,
    AnswerStatus,
    AnswerValue,
    Arena,
    Choice,
    LocalizedText,
    Principle,
    Question,
    Questionnaire,
    QuestionType,
    Section,
)

__all__ = [
    "Answer",
    "AnswerStatus",
    "AnswerValue",
    "Arena",
    "Choice",
    "LoadResult",
    "LocalizedText",
    "Principle",
    "Problem",
    "ProblemCode",
    "Question",
    "QuestionType",
    "Questionnaire",
    "QuestionnaireError",
    "Section",
    "load_default_questionnaire",
    "load_questionnaire_data",
    "load_questionnaire_yaml",
]
