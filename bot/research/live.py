"""The two lines a facilitator sees in /progres before the closing: flags and agreement.

`progress_lines` takes the workshop's answers frame (the export's answers columns) and,
when stored, its paradata and last-call time, and returns two short lines in the
facilitator's language. Flagged respondents are named by pseudonym so the facilitator
can talk to them; nothing else about them is shown.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from bot.i18n import t
from bot.research.agreement import OVERALL_BLOCK, agreement
from bot.research.flags import FLAG_NAMES, FlagRules, quality_flags
from bot.research.texts import arena_label, number

MAX_NAMED = 5
"""Pseudonyms listed per flag; more are counted ("+3")."""


def progress_lines(
    answers: pd.DataFrame,
    *,
    lang: str,
    paradata: pd.DataFrame | None = None,
    last_call: datetime | None = None,
    rules: FlagRules | None = None,
) -> tuple[str, str]:
    """The flags line and the agreement line for one workshop's answers."""
    if answers.empty:
        too_few = t("research_live_too_few", lang)
        return (
            t("research_live_flags", lang).format(flagged=0, respondents=0, details=""),
            t("research_live_agreement", lang).format(overall=too_few, blocks=""),
        )
    workshop = str(answers["workshop"].iloc[0])
    last_calls = {workshop: last_call} if last_call else None
    flags = quality_flags(answers, paradata, last_calls, rules)
    return _flags_line(flags, lang), _agreement_line(answers, lang)


def _flags_line(flags: pd.DataFrame, lang: str) -> str:
    details = []
    for name in FLAG_NAMES:
        marked = flags[flags[name].fillna(False).astype(bool)]["participant"].astype(str).tolist()
        if not marked:
            continue
        shown = ", ".join(marked[:MAX_NAMED])
        more = f" +{len(marked) - MAX_NAMED}" if len(marked) > MAX_NAMED else ""
        details.append(f"{t(f'research_flag_{name}', lang)} {len(marked)} ({shown}{more})")
    return t("research_live_flags", lang).format(
        flagged=int(flags["flagged"].sum()),
        respondents=len(flags),
        details=": " + "; ".join(details) if details else "",
    )


def _agreement_line(answers: pd.DataFrame, lang: str) -> str:
    table = agreement(answers)
    alphas = {row["block"]: row["alpha"] for _, row in table.iterrows()}
    overall = alphas.get(OVERALL_BLOCK)
    if overall is None or pd.isna(overall):
        return t("research_live_agreement", lang).format(
            overall=t("research_live_too_few", lang), blocks=""
        )
    blocks = [
        f"{arena_label(block, lang)} {number(alpha, lang)}"
        for block, alpha in alphas.items()
        if block != OVERALL_BLOCK and alpha is not None and not pd.isna(alpha)
    ]
    return t("research_live_agreement", lang).format(
        overall=number(overall, lang), blocks=" (" + " · ".join(blocks) + ")" if blocks else ""
    )
