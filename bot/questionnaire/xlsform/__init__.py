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

Supported (sheet `survey`):
  type            note | integer | decimal | text | range | select_one LIST |
                  select_multiple LIST | begin_group / end_group (one level: a group is a
                  section; questions outside any group form a section titled like the form)
  name            unique across the whole form (XLSForm only asks this per group)
  label, hint,    one column per language as pyxform reads them: label::Name (code) or
  constraint_message   label::Name (Indonesian (id), Bahasa Indonesia, English (en), German
                  (de), ...). A column without a language is in the settings'
                  default_language; without that setting it is Indonesian, unless the sheet
                  has an Indonesian column too (then it is the form's unnamed default, shown
                  to English participants). A text missing in Indonesian or English is shown
                  in the form's default language (else English, else any given), with one
                  summary warning per missing language.
  required        yes/no (also true/false, 1/0, true()/false()); blank means no, as in ODK
  relevant,       the XLSForm expression subset of `bot.questionnaire.expressions`; `TRUE()`
  constraint      is read as `true()`, and `${name}` of the question itself in its own
                  constraint as `.`. A group's `relevant` applies to each question in it.
  parameters      range: start, end (default 1 and 10: a standard scale), step (must be 1),
                  tick_labelset (a choice list naming the start and end values: the scale's
                  end labels)
wipbot's own columns (ODK ignores them):
  arena, principle   model keys or their English/Indonesian names (Pemerintah, Birokrasi,
                     Masyarakat Sipil, Masyarakat Ekonomi / Dunia Usaha; Partisipasi, Keadilan,
                     Akuntabilitas, Transparansi, Efisiensi, Efektivitas); arena on a group
                     row applies to its questions
  indicator          indicator code, e.g. G2P1
  dont_know          yes/no: offer "Tidak tahu". Default yes for range (scale) questions and
                     no for others; write `no` on a range row to turn it off.
  min, max           bounds of integer/decimal answers
  max_length         longest text answer (default 500)
Sheet `choices`: list_name, name (no spaces, unique per list), label::... .
Sheet `settings`: form_id (else the file name), version (else derived from the content,
auto-<12 hex digits>, the same for the same content), form_title (Indonesian),
form_title_en (wipbot's: English title), default_language.

Refused with the row and the feature named: repeats, nested groups, calculate, dates and
times, locations, media and file uploads, barcode, acknowledge/trigger, rank, hidden,
select_one_from_file / select_one_external, or_other, choice_filter, read_only, dynamic
`required`, and expression functions or arithmetic outside the subset (e.g.
string-length: use max_length). Ignored with a warning: the metadata types ODK adds by
default (start, end, today, deviceid, username, ...) and columns that only change how ODK
displays a form (appearance, media, guidance_hint, ...) or that wipbot does not know.
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
