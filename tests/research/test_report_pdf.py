"""The national report PDF from hand-made panels, read back from its text layer."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from bot.research.pdf import report_pdf
from bot.research.results import ResearchSettings, research_results
from tests.research.panels import answers, blocks
from tests.research.pdf_text import page_texts

QUESTIONS = blocks(4)
NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
HIGH = [8, 7, 9, 8, 7, 8, 9, 7, 8, 8, 7, 9, 8, 7, 9, 8]
LOW = [3, 4, 2, 3, 4, 3, 2, 4, 3, 3, 4, 2, 3, 4, 2, 3]


def _round() -> pd.DataFrame:
    jambi = answers(
        QUESTIONS,
        {"JA-001": ("government", HIGH), "JA-002": ("bureaucracy", [6] * 16)},
    )
    bali = answers(
        QUESTIONS,
        {"BA-001": ("civil_society", LOW), "BA-002": (None, [v + 1 for v in LOW])},
        workshop="ID-BA-2026-12-04",
        province="ID-BA",
    ).assign(province_name="Bali")
    return pd.concat([jambi, bali], ignore_index=True)


def _results():  # type: ignore[no-untyped-def]
    return research_results(_round(), settings=ResearchSettings(resamples=200, seed=1))


def test_the_report_has_a_ranking_a_page_per_province_and_a_methods_page() -> None:
    results = _results()
    pages = page_texts(report_pdf(results, lang="id", generated_at=NOW))
    assert len(pages) == 4
    assert "Peringkat provinsi" in pages[0]
    assert pages[1].startswith("1. Jambi (ID-JA)") and pages[2].startswith("2. Bali (ID-BA)")
    assert "Metode" in pages[3] and "Bobot" in pages[3] and "Sangat buruk ≤ 2,29" in pages[3]


def test_the_ranking_prints_each_index_and_interval_as_computed() -> None:
    results = _results()
    ranking = results.ranking.set_index("workshop")
    first = page_texts(report_pdf(results, lang="id", generated_at=NOW))[0]
    rows = {
        m[1]: m
        for m in re.findall(r"(\d) (Jambi|Bali) \(ID-..\) ([\d,]+) ([\d,]+)–([\d,]+)", first)
    }
    jambi = ranking.loc["ID-JA-2026-12-03"]
    assert rows["Jambi"][2] == f"{jambi['index']:.2f}".replace(".", ",")
    assert rows["Jambi"][3] == f"{jambi['low']:.2f}".replace(".", ",")
    assert rows["Jambi"][4] == f"{jambi['high']:.2f}".replace(".", ",")
    bali = ranking.loc["ID-BA-2026-12-04"]
    assert rows["Bali"][0] == "2" and rows["Bali"][2] == f"{bali['index']:.2f}".replace(".", ",")
    national = (jambi["index"] + bali["index"]) / 2
    low, high = results.national_index.low, results.national_index.high
    printed = f"Rata-rata nasional: {national:.2f} (Interval 95% {low:.2f}–{high:.2f})"
    assert printed.replace(".", ",") in first


def test_the_province_page_names_the_flagged_respondent_and_the_agreement() -> None:
    results = _results()
    jambi = page_texts(report_pdf(results, lang="id", generated_at=NOW))[1]
    assert "Responden ditandai: JA-002" in jambi  # sixteen times 6
    assert "jawaban seragam: 1" in jambi
    assert "terlalu cepat: tidak dinilai" in jambi
    assert "Kelengkapan\nResponden: 2" in jambi  # no completion sheet: respondents only
    alpha = results.agreement.set_index(["workshop", "block"]).loc[("ID-JA-2026-12-03", "all")]
    assert f"semua pertanyaan α = {alpha['alpha']:.3f}".replace(".", ",") in jambi


def test_english_pages_use_english_words_and_decimal_points() -> None:
    results = _results()
    pages = page_texts(report_pdf(results, lang="en", generated_at=NOW))
    index = results.ranking.iloc[0]["index"]
    assert "Ranking of provinces" in pages[0]
    assert f"{index:.2f}" in pages[0] and f"{index:.2f}".replace(".", ",") not in pages[0]
    assert "Flagged respondents: JA-002" in pages[1]
    assert "Methods" in pages[3] and "Very poor ≤ 2.29" in pages[3]


def test_an_interval_across_a_band_boundary_is_written_out() -> None:
    results = _results()
    spanning = results.ranking[results.ranking["spans_bands"].astype(bool)]
    pages = page_texts(report_pdf(results, lang="en", generated_at=NOW))
    assert len(spanning) >= 1, "two spread-out experts: the interval crosses a boundary"
    assert "spans two bands" in pages[0] or "spans several bands" in pages[0]


def test_the_province_page_shows_how_each_respondent_arena_rates_each_arena() -> None:
    jambi = page_texts(report_pdf(_results(), lang="id", generated_at=NOW))[1]
    # JA-002 (bureaucracy) answered 6 everywhere: 6,00 for every arena it assessed.
    assert "\nBirokrasi 1 6,00 6,00 6,00 6,00\n" in jambi
    assert "\nBirokrasi 1 6,00 6,00 6,00 6,00\n" not in jambi.split("Skor arena menurut")[0]


def test_names_with_markup_characters_are_printed_as_written() -> None:
    frame = _round()
    frame.loc[frame["province"] == "ID-BA", "province_name"] = "Bali & <Nusa>"
    results = research_results(frame, settings=ResearchSettings(resamples=20, seed=1))
    pages = page_texts(report_pdf(results, lang="en", generated_at=NOW))
    assert "Bali & <Nusa> (ID-BA)" in pages[0]
    assert pages[2].startswith("2. Bali & <Nusa> (ID-BA)")
    assert "a run of >= 10 equal values or >= 2 arena blocks with SD < 0.5" in pages[3].replace(
        "\n", " "
    )
