"""The default IGI WIP questionnaire shipped with the package."""

from __future__ import annotations

from functools import cache
from importlib import resources

from bot.questionnaire.loader import load_questionnaire_yaml
from bot.questionnaire.model import Questionnaire

DEFAULT_QUESTIONNAIRE_RESOURCE = "data/igi_wip.yaml"


def default_questionnaire_yaml() -> str:
    """Returns the YAML text of the default questionnaire (a template for new forms)."""
    resource = resources.files("bot.questionnaire").joinpath(DEFAULT_QUESTIONNAIRE_RESOURCE)
    return resource.read_text(encoding="utf-8")


@cache
def load_default_questionnaire() -> Questionnaire:
    """Returns the default questionnaire; raises QuestionnaireError if the file is broken."""
    return load_questionnaire_yaml(default_questionnaire_yaml()).unwrap()
