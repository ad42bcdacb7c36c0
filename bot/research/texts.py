"""The national report's words in Indonesian and English, and its number style."""

from __future__ import annotations

from bot.questionnaire.model import Arena, Principle
from bot.questionnaire.scoring import Band

LANGUAGES = ("id", "en")

_TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Laporan Nasional Indeks Tata Kelola", "National Governance Index Report"),
    "subtitle": (
        "Lampiran hasil kuesioner Well-Informed Person (WIP)",
        "Annex: results of the Well-Informed Person (WIP) questionnaire",
    ),
    "generated": ("Dibuat", "Generated"),
    "ranking": ("Peringkat provinsi", "Ranking of provinces"),
    "rank": ("No.", "Rank"),
    "province": ("Provinsi", "Province"),
    "index": ("Indeks", "Index"),
    "interval": ("Interval 95%", "95% interval"),
    "band": ("Kategori", "Band"),
    "equal": ("Bobot sama", "Equal weights"),
    "unflagged": ("Tanpa yang ditandai", "Without flagged"),
    "respondents": ("Responden", "Respondents"),
    "national_average": ("Rata-rata nasional", "National average"),
    "national_note": (
        "Rata-rata nasional = rata-rata indeks lokakarya (seperti IGI).",
        "National average = mean of the workshop indices (as the IGI reports it).",
    ),
    "spans": ("melintasi dua kategori", "spans two bands"),
    "spans_many": ("melintasi beberapa kategori", "spans several bands"),
    "workshop": ("Lokakarya", "Workshop"),
    "profile": ("Profil arena dan prinsip", "Arena and principle profile"),
    "arena": ("Arena", "Arena"),
    "principle": ("Prinsip", "Principle"),
    "score": ("Skor", "Score"),
    "completion": ("Kelengkapan", "Completion"),
    "completion_line": (
        "{submitted} dari {total} peserta mengirim, {in_progress} sedang mengisi, "
        "{not_started} belum mulai",
        "{submitted} of {total} participants submitted, {in_progress} in progress, "
        "{not_started} not started",
    ),
    "agreement": (
        "Kesepakatan (alfa Krippendorff, interval)",
        "Agreement (Krippendorff's alpha, interval)",
    ),
    "all_questions": ("semua pertanyaan", "all questions"),
    "flags": ("Penanda kualitas", "Quality flags"),
    "flag_straight_lining": ("jawaban seragam", "straight-lining"),
    "flag_speeding": ("terlalu cepat", "speeding"),
    "flag_dont_know": ("banyak 'tidak tahu'", "many 'don't know'"),
    "flag_burst": ("sekaligus setelah panggilan terakhir", "in one burst after the last call"),
    "flag_flagged": ("ditandai (salah satu)", "flagged (any)"),
    "not_assessed": ("tidak dinilai", "not assessed"),
    "flagged_people": ("Responden ditandai", "Flagged respondents"),
    "none": ("tidak ada", "none"),
    "heatmap": ("Skor arena x prinsip (1-10)", "Arena x principle scores (1-10)"),
    "methods": ("Metode", "Methods"),
    "methods_scores": (
        "Skala 1-10 (1 = sangat buruk, 10 = sangat baik); butir berskala lain dipetakan "
        "linear ke 1-10. Rata-rata tiap pertanyaan atas responden; sel arena x prinsip = "
        "rata-rata pertanyaannya; arena dan prinsip = rata-rata berbobot sel; indeks = "
        "rata-rata berbobot arena; bobot dinormalkan ulang atas bagian yang berdata.",
        "1-10 scale (1 = very poor, 10 = very good); items on other scales are mapped "
        "linearly onto 1-10. Question means over respondents; an arena x principle cell = "
        "the mean of its questions; arenas and principles = weighted means of cells; the "
        "index = the weighted mean of arenas; weights renormalised over the parts with data.",
    ),
    "methods_dont_know": (
        "'Tidak tahu' dan 'dilewati' dicatat tetapi tidak dihitung dalam skor mana pun; "
        "jawaban atas pertanyaan yang tidak relevan tidak dipakai.",
        "'Don't know' and skipped answers are recorded but left out of every score; "
        "answers to questions that are no longer relevant are not used.",
    ),
    "methods_bootstrap": (
        "Interval: bootstrap persentil {level}% atas responden dalam tiap lokakarya, "
        "{resamples} ulangan, benih {seed} (dapat diulang). Interval yang melintasi batas "
        "kategori disebutkan.",
        "Intervals: percentile bootstrap ({level}%) over respondents within each workshop, "
        "{resamples} resamples, seed {seed} (reproducible). An interval that crosses a band "
        "boundary says so.",
    ),
    "methods_alpha": (
        "Kesepakatan: alfa Krippendorff untuk data interval (responden = penilai, "
        "pertanyaan = unit), per blok arena dan untuk semua pertanyaan.",
        "Agreement: Krippendorff's alpha for interval data (respondents as coders, "
        "questions as units), per arena block and over all questions.",
    ),
    "methods_flags": (
        "Penanda menandai, tidak membuang: semua skor memakai semua responden; kolom "
        "'{unflagged}' menunjukkan indeks tanpa responden yang ditandai. Aturan: {rules}.",
        "Flags mark, never drop: every score uses every respondent; the '{unflagged}' "
        "column shows the index without the flagged respondents. Rules: {rules}.",
    ),
    "rules": (
        "deret >= {min_run} nilai sama atau >= {min_flat_blocks} blok arena dengan SD < "
        "{flat_spread}; median detik per butir < {speed_fraction} x waktu baca "
        "({words_per_second} kata/detik); 'tidak tahu' >= {dont_know_share}; >= "
        "{burst_share} jawaban setelah panggilan terakhir dengan jeda median < "
        "{burst_gap_seconds} detik",
        "a run of >= {min_run} equal values or >= {min_flat_blocks} arena blocks with SD < "
        "{flat_spread}; median seconds per item < {speed_fraction} x reading time "
        "({words_per_second} words/s); 'don't know' share >= {dont_know_share}; >= "
        "{burst_share} of answers after the last call with a median gap < "
        "{burst_gap_seconds} s",
    ),
    "methods_missing_inputs": (
        "Tanpa paradata waktu, penanda 'terlalu cepat' tidak dinilai; tanpa waktu panggilan "
        "terakhir (awal sesi penutupan), penanda 'sekaligus' tidak dinilai.",
        "Without timing paradata the speeding flag is not assessed; without a last-call "
        "time (the start of the closing session) the burst flag is not assessed.",
    ),
    "methods_answer_times": (
        "Paradata waktu belum disimpan: 'terlalu cepat' dinilai dari jeda antarjawaban "
        "seseorang (jeda lebih dari 10 menit, yaitu sesi di antaranya, tidak dihitung).",
        "Timing paradata is not stored yet: speeding is judged on the gaps between a "
        "person's answers (gaps over 10 minutes, a session in between, are left out).",
    ),
    "weights": ("Bobot", "Weights"),
    "weights_source": ("Sumber bobot", "Weights from"),
    "weights_default": (
        "bobot IGI 2012 (sisa dibagi rata)",
        "IGI 2012 weights (remainder split equally)",
    ),
    "arena_weight": ("Bobot arena", "Arena weight"),
    "bands": ("Kategori (batas atas, inklusif)", "Bands (inclusive upper bounds)"),
    "no_data": ("belum ada data", "no data yet"),
    "live_flags": (
        "Penanda kualitas: {flagged} dari {respondents} responden{details}",
        "Quality flags: {flagged} of {respondents} respondents{details}",
    ),
    "live_agreement": ("Kesepakatan (α): {overall}{blocks}", "Agreement (α): {overall}{blocks}"),
    "live_too_few": ("belum cukup jawaban", "not enough answers yet"),
    "crosstab": (
        "Skor arena menurut arena responden (baris: responden, kolom: arena yang dinilai)",
        "Arena scores by respondent arena (rows: respondents, columns: arena assessed)",
    ),
    "unassigned": ("tanpa arena", "no arena"),
}


def text(key: str, lang: str) -> str:
    """The catalog entry `key` in `lang` ('id' or 'en')."""
    indonesian, english = _TEXTS[key]
    return english if lang == "en" else indonesian


def number(value: float | None, lang: str, decimals: int = 2) -> str:
    """A number as the language writes it: 6,21 in Indonesian, 6.21 in English."""
    if value is None:
        return "–"
    written = f"{value:.{decimals}f}"
    return written if lang == "en" else written.replace(".", ",")


def interval(low: float | None, high: float | None, lang: str) -> str:
    """An interval as '5,80–6,42'."""
    return f"{number(low, lang)}–{number(high, lang)}"


def arena_label(key: str, lang: str) -> str:
    """An arena's name in `lang`."""
    return Arena(key).label.get(lang)


def principle_label(key: str, lang: str) -> str:
    """A principle's name in `lang`."""
    return Principle(key).label.get(lang)


def band_label(key: str, lang: str) -> str:
    """A band's name in `lang`."""
    return Band(key).label.get(lang)
