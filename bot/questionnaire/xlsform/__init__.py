"""XLSForm import and export: workbook -> the YAML loader's checks -> frozen model, and back.

Modules: `read` (workbook, settings, choices, pyxform's check), `sheets` (columns and
languages), `survey` (groups and questions), `columns` (the vocabulary and cell readers),
`expressions` (XLSForm expressions -> the engine's), `write` (export).

Reading uses pyxform, the XLSForm reference implementation: it opens the workbook (.xlsx or
.xls), normalises column headers and their aliases, cleans cell text and parses
`parameters`; a form that passes our own checks must also pass pyxform's
`workbook_to_json`, so what wipbot accepts is a valid XLSForm. The rows are then turned into
the same intermediate data the YAML loader validates (`load_questionnaire_data`), so every
check (ids, scales, bounds, expressions, references, indicators) exists once; each problem
points at its sheet and row, e.g. ``[row 8] survey: question 'q2': relevant refers to
unknown question 'x'``.

Supported (sheet `survey`), as pyxform reads it:
  type            note | integer | decimal | text | range | date | time | dateTime |
                  calculate (and hidden) | select_one LIST | select_multiple LIST (also
                  `or_other`, expanded as pyxform does: an 'other' choice and a
                  NAME_other text question) | select_one_external LIST (sheet
                  external_choices) | acknowledge / trigger (a note with one button) |
                  phone number (text with pyxform's digits check) | begin_group /
                  end_group (any depth: each run of questions under a group is a section,
                  titled by the nearest labelled group or, unlabelled, by its name;
                  questions outside groups form a section titled like the form)
  name            a name reused in another group is qualified as GROUP_NAME (warned)
  label, hint,    one column per language: label::Name (code) or plain (see below);
  constraint_message   `${name}` in them is piped by `bot.questionnaire.piping`
  required        yes/no (also true/false, 1/0, true()/false()) or a condition
                  (required_if); blank means no, as in ODK
  relevant,       XLSForm's XPath as `bot.questionnaire.expressions` parses it (operators,
  constraint,     if, regex on RE2, string-length, selected-at, jr:choice-name, concat,
  calculation,    coalesce, contains, starts-with, number, int, round, today, now, ...);
  choice_filter   in a choice_filter a bare name is a choices-sheet column. A group's
                  `relevant` applies to each question in it.
  read_only       yes: shown as a note
  default         kept on the question, to offer as a one-tap answer
  appearance      'label' on a select marks a grid's header row: not asked
  parameters      range: start, end (default 1 and 10), step (any), tick_labelset (a
                  choice list naming the start and end values: the scale's end labels)
Languages: `label::Name (code)` is in that language; a plain column is in the settings'
default_language; without that setting it is Indonesian, unless the sheet also has an
Indonesian column (then it is the form's unnamed default, shown to English participants).
A text missing in Indonesian or English is shown in the form's default language (else
English, else any given), with one summary warning per missing language.
wipbot's own columns (ODK ignores them):
  arena, principle   model keys or their English/Indonesian names (Pemerintah, Birokrasi,
                     Masyarakat Sipil, Masyarakat Ekonomi / Dunia Usaha; Partisipasi, Keadilan,
                     Akuntabilitas, Transparansi, Efisiensi, Efektivitas); arena on a group
                     row applies to its questions
  indicator          indicator code, e.g. G2P1
  dont_know          yes/no: offer "Tidak tahu". Default yes for range (scale) questions and
                     no for others; write `no` on a range row to turn it off.
  min, max           bounds of integer/decimal answers (exported as ODK constraints too)
  max_length         longest text answer (default 500; exported as string-length())
  wipbot_required    yes: required in the bot although ODK may leave it blank (how a
                     question offering "don't know" is exported)
Sheet `choices`: list_name, name (no spaces; repeated only where filtered or with
allow_choice_duplicates), label::..., other columns for choice_filter.
Sheet `settings`: form_id (else the file name), version (else derived from the content,
auto-<12 hex digits>), form_title (Indonesian), form_title_en (wipbot's: English title),
default_language (any language), allow_choice_duplicates.

Refused with the row and the feature named (or, with `skip_unsupported`, skipped with one
warning per row, references to them reading as empty): repeats, locations, media and file
uploads, barcode, rank, select_*_from_file, pulldata(), entities, include, osm, XPath
paths. A workbook without a `type` column is "not a form". Ignored with a warning: the
metadata types ODK adds by default (start, end, today, deviceid, username, ...) and
columns that only change how ODK displays a form (media, guidance_hint, ...) or that
wipbot does not know.
"""

from __future__ import annotations

from bot.questionnaire.xlsform.columns import CHOICES, LANGUAGE_COLUMNS, SETTINGS, SURVEY
from bot.questionnaire.xlsform.expressions import Unsupported, translate_expression
from bot.questionnaire.xlsform.read import load_xlsform
from bot.questionnaire.xlsform.write import (
    CHOICES_HEADER,
    SETTINGS_HEADER,
    SURVEY_HEADER,
    export_xlsform,
)

__all__ = [
    "CHOICES",
    "CHOICES_HEADER",
    "LANGUAGE_COLUMNS",
    "SETTINGS",
    "SETTINGS_HEADER",
    "SURVEY",
    "SURVEY_HEADER",
    "Unsupported",
    "export_xlsform",
    "load_xlsform",
    "translate_expression",
]
