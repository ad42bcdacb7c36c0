"""Real public XLSForms (tests/questionnaire/corpus, see SOURCES.md) read as pyxform reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.questionnaire.corpus_compare import corpus_files, judge

FILES = corpus_files()


def test_the_corpus_holds_real_forms() -> None:
    assert len(FILES) >= 50


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_valid_form_is_read_as_pyxform_reads_it_or_refused_for_a_named_reason(
    path: Path,
) -> None:
    verdict = judge(path)
    if not verdict.pyxform_valid:
        return  # pyxform (or ODK Validate) refuses it too; nothing to compare
    if verdict.refused_features:
        # Uses what a chat cannot ask: wipbot refuses it and names the feature and row.
        assert not verdict.loaded
        assert verdict.errors and all(e.startswith("[row ") for e in verdict.errors[:1])
        assert any("not supported by wipbot" in e for e in verdict.errors)
        return
    if verdict.loaded:
        assert verdict.mismatches == []


def test_at_least_nine_in_ten_valid_forms_without_refused_features_load_and_match() -> None:
    verdicts = [judge(path) for path in FILES]
    counted = [v for v in verdicts if v.counts]
    matching = [v for v in counted if v.matches]
    failing = [v.path.name for v in counted if not v.matches]
    assert len(counted) >= 30
    assert len(matching) / len(counted) >= 0.9, failing
