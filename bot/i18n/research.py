"""The national report's and the facilitators' research lines' words (key -> Indonesian,
English): the research catalog, joined into `bot.i18n.CATALOG` and read with `t`."""

from __future__ import annotations

from typing import Final

RESEARCH: Final[dict[str, tuple[str, str]]] = {
    "research_title": ("Laporan Nasional Indeks Tata Kelola", "National Governance Index Report"),
    "research_subtitle": (
        "Lampiran hasil kuesioner Well-Informed Person (WIP)",
        "Annex: results of the Well-Informed Person (WIP) questionnaire",
    ),
    "research_generated": ("Dibuat", "Generated"),
    "research_ranking": ("Peringkat provinsi", "Ranking of provinces"),
    "research_rank": ("No.", "Rank"),
    "research_province": ("Provinsi", "Province"),
    "research_index": ("Indeks", "Index"),
    "research_interval": ("Interval 95%", "95% interval"),
    "research_band": ("Kategori", "Band"),
    "research_equal": ("Bobot sama", "Equal weights"),
    "research_unflagged": ("Tanpa yang ditandai", "Without flagged"),
    "research_respondents": ("Responden", "Respondents"),
    "research_national_average": ("Rata-rata nasional", "National average"),
    "research_national_note": (
        "Rata-rata nasional = rata-rata indeks lokakarya (seperti IGI).",
        "National average = mean of the workshop indices (as the IGI reports it).",
    ),
    "research_spans": ("melintasi dua kategori", "spans two bands"),
    "research_spans_many": ("melintasi beberapa kategori", "spans several bands"),
    "research_workshop": ("Lokakarya", "Workshop"),
    "research_profile": ("Profil arena dan prinsip", "Arena and principle profile"),
    "research_arena": ("Arena", "Arena"),
    "research_principle": ("Prinsip", "Principle"),
    "research_score": ("Skor", "Score"),
    "research_completion": ("Kelengkapan", "Completion"),
    "research_completion_line": (
        "{submitted} dari {total} peserta mengirim, {in_progress} sedang mengisi, "
        "{not_started} belum mulai",
        "{submitted} of {total} participants submitted, {in_progress} in progress, "
        "{not_started} not started",
    ),
    "research_agreement": (
        "Kesepakatan (alfa Krippendorff, interval)",
        "Agreement (Krippendorff's alpha, interval)",
    ),
    "research_all_questions": ("semua pertanyaan", "all questions"),
    "research_flags": ("Penanda kualitas", "Quality flags"),
    "research_flag_straight_lining": ("jawaban seragam", "straight-lining"),
    "research_flag_speeding": ("terlalu cepat", "speeding"),
    "research_flag_dont_know": ("banyak 'tidak tahu'", "many 'don't know'"),
    "research_flag_burst": (
        "sekaligus setelah panggilan terakhir",
        "in one burst after the last call",
    ),
    "research_flag_flagged": ("ditandai (salah satu)", "flagged (any)"),
    "research_not_assessed": ("tidak dinilai", "not assessed"),
    "research_flagged_people": ("Responden ditandai", "Flagged respondents"),
    "research_none": ("tidak ada", "none"),
    "research_heatmap": ("Skor arena x prinsip (1-10)", "Arena x principle scores (1-10)"),
    "research_methods": ("Metode", "Methods"),
    "research_methods_scores": (
        "Skala 1-10 (1 = sangat buruk, 10 = sangat baik); butir berskala lain dipetakan "
        "linear ke 1-10. Rata-rata tiap pertanyaan atas responden; sel arena x prinsip = "
        "rata-rata pertanyaannya; arena dan prinsip = rata-rata berbobot sel; indeks = "
        "rata-rata berbobot arena; bobot dinormalkan ulang atas bagian yang berdata.",
        "1-10 scale (1 = very poor, 10 = very good); items on other scales are mapped "
        "linearly onto 1-10. Question means over respondents; an arena x principle cell = "
        "the mean of its questions; arenas and principles = weighted means of cells; the "
        "index = the weighted mean of arenas; weights renormalised over the parts with data.",
    ),
    "research_methods_dont_know": (
        "'Tidak tahu' dan 'dilewati' dicatat tetapi tidak dihitung dalam skor mana pun; "
        "jawaban atas pertanyaan yang tidak relevan tidak dipakai.",
        "'Don't know' and skipped answers are recorded but left out of every score; "
        "answers to questions that are no longer relevant are not used.",
    ),
    "research_methods_bootstrap": (
        "Interval: bootstrap persentil {level}% atas responden dalam tiap lokakarya, "
        "{resamples} ulangan, benih {seed} (dapat diulang). Interval yang melintasi batas "
        "kategori disebutkan.",
        "Intervals: percentile bootstrap ({level}%) over respondents within each workshop, "
        "{resamples} resamples, seed {seed} (reproducible). An interval that crosses a band "
        "boundary says so.",
    ),
    "research_methods_alpha": (
        "Kesepakatan: alfa Krippendorff untuk data interval (responden = penilai, "
        "pertanyaan = unit), per blok arena dan untuk semua pertanyaan.",
        "Agreement: Krippendorff's alpha for interval data (respondents as coders, "
        "questions as units), per arena block and over all questions.",
    ),
    "research_methods_flags": (
        "Penanda menandai, tidak membuang: semua skor memakai semua responden; kolom "
        "'{unflagged}' menunjukkan indeks tanpa responden yang ditandai. Aturan: {rules}.",
        "Flags mark, never drop: every score uses every respondent; the '{unflagged}' "
        "column shows the index without the flagged respondents. Rules: {rules}.",
    ),
    "research_rules": (
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
    "research_methods_missing_inputs": (
        "Tanpa paradata waktu, penanda 'terlalu cepat' tidak dinilai; tanpa waktu panggilan "
        "terakhir (awal sesi penutupan), penanda 'sekaligus' tidak dinilai.",
        "Without timing paradata the speeding flag is not assessed; without a last-call "
        "time (the start of the closing session) the burst flag is not assessed.",
    ),
    "research_methods_answer_times": (
        "Paradata waktu belum disimpan: 'terlalu cepat' dinilai dari jeda antarjawaban "
        "seseorang (jeda lebih dari 10 menit, yaitu sesi di antaranya, tidak dihitung).",
        "Timing paradata is not stored yet: speeding is judged on the gaps between a "
        "person's answers (gaps over 10 minutes, a session in between, are left out).",
    ),
    "research_weights": ("Bobot", "Weights"),
    "research_weights_source": ("Sumber bobot", "Weights from"),
    "research_weights_default": (
        "bobot IGI 2012 (sisa dibagi rata)",
        "IGI 2012 weights (remainder split equally)",
    ),
    "research_arena_weight": ("Bobot arena", "Arena weight"),
    "research_bands": ("Kategori (batas atas, inklusif)", "Bands (inclusive upper bounds)"),
    "research_no_data": ("belum ada data", "no data yet"),
    "research_live_flags": (
        "Penanda kualitas: {flagged} dari {respondents} responden{details}",
        "Quality flags: {flagged} of {respondents} respondents{details}",
    ),
    "research_live_agreement": (
        "Kesepakatan (α): {overall}{blocks}",
        "Agreement (α): {overall}{blocks}",
    ),
    "research_live_too_few": ("belum cukup jawaban", "not enough answers yet"),
    "research_crosstab": (
        "Skor arena menurut arena responden (baris: responden, kolom: arena yang dinilai)",
        "Arena scores by respondent arena (rows: respondents, columns: arena assessed)",
    ),
    "research_unassigned": ("tanpa arena", "no arena"),
}
