"""The staff's strings: reports, exports, nudges, workshops, agenda, broadcasts, reminders."""

from __future__ import annotations

from typing import Final

# key -> (Indonesian, English); the voice is described in bot/i18n/__init__.py.
STAFF: Final[dict[str, tuple[str, str]]] = {
    # --- staff reports: progress, nudges, exports (bot/handlers/staff_reports.py) -------
    "report_title": (
        "📊 Kemajuan Lokakarya {province} · {date}\n{workshop}",
        "📊 Progress, {province} workshop · {date}\n{workshop}",
    ),
    "report_counts": (
        "✅ Sudah mengirim: {submitted}\n✍️ Sedang mengisi: {in_progress}\n"
        "▫️ Belum mulai: {not_started}\nJumlah peserta: {total}",
        "✅ Submitted: {submitted}\n✍️ In progress: {in_progress}\n"
        "▫️ Not started: {not_started}\nParticipants: {total}",
    ),
    "report_by_arena": ("Per arena:", "By arena:"),
    "report_arena_line": (
        "• {arena}: {submitted}/{total} mengirim, {in_progress} mengisi, {not_started} belum",
        "• {arena}: {submitted}/{total} submitted, {in_progress} in progress, "
        "{not_started} not started",
    ),
    "report_no_arena": ("tanpa arena", "no arena"),
    "report_unfinished": ("Belum selesai ({count}):", "Not finished ({count}):"),
    "report_unfinished_more": ("… dan {count} lainnya", "… and {count} more"),
    "report_status_not_started": ("belum mulai", "not started"),
    "report_status_declined": ("tidak bersedia ikut", "declined to take part"),
    "report_status_in_progress": ("{answered}/{total}", "{answered}/{total}"),
    "report_flag_unbound": ("belum membuka bot", "has not opened the bot"),
    "report_flag_unreachable": ("tidak dapat dihubungi", "unreachable"),
    "report_all_submitted": (
        "Semua peserta sudah mengirim jawaban. 🎉",
        "Every participant has submitted. 🎉",
    ),
    "report_no_participants": (
        "Belum ada peserta untuk lokakarya ini.",
        "This workshop has no participants yet.",
    ),
    "report_closed": (
        "Lokakarya sudah ditutup; jawaban tidak diterima lagi.",
        "The workshop is closed; answers are no longer accepted.",
    ),
    "btn_nudge": (
        "🔔 Ingatkan yang belum selesai ({count})",
        "🔔 Remind those not finished ({count})",
    ),
    "btn_export_workshop": ("📥 Ekspor hasil", "📥 Export results"),
    "overview_title": (
        "📊 Kemajuan semua lokakarya ({count})",
        "📊 Progress of every workshop ({count})",
    ),
    "overview_line": (
        "{code} {province}: ✅ {submitted}/{total} · ✍️ {in_progress} · ▫️ {not_started}",
        "{code} {province}: ✅ {submitted}/{total} · ✍️ {in_progress} · ▫️ {not_started}",
    ),
    "overview_pick": (
        "Silakan pilih lokakarya untuk melihat rinciannya:",
        "Please choose a workshop to see its details:",
    ),
    "no_workshops": ("Belum ada lokakarya.", "There are no workshops yet."),
    "staff_not_allowed": (
        "Mohon maaf, Bapak/Ibu tidak memiliki akses ke lokakarya ini (atau akses telah dicabut).",
        "Sorry, you don't have access to this workshop.",
    ),
    "nudge_not_started": (
        "🔔 Pengingat dari fasilitator: Bapak/Ibu belum mulai mengisi kuesioner {workshop}. "
        "Apabila berkenan, silakan tekan “Lanjutkan” untuk mulai; pengisiannya "
        "memerlukan sekitar 15–20 menit.",
        "🔔 A reminder from the facilitator: you have not started the {workshop} "
        "questionnaire yet. If you can, please press “Continue” to begin; it takes about "
        "15–20 minutes.",
    ),
    "nudge_in_progress": (
        "🔔 Pengingat dari fasilitator: kuesioner Bapak/Ibu belum selesai ({answered} dari "
        "{total} pertanyaan telah dijawab). Silakan tekan “Lanjutkan” untuk meneruskan.",
        "🔔 A reminder from the facilitator: your questionnaire is not finished yet "
        "({answered} of {total} questions answered). Please press “Continue” to carry on.",
    ),
    "nudge_result": (
        "🔔 Pengingat terkirim kepada {sent} peserta.",
        "🔔 Reminder sent to {sent} participants.",
    ),
    "nudge_result_unbound": (
        "{count} belum membuka bot: mohon serahkan kartu undangan kepada mereka.",
        "{count} have not opened the bot: please hand them their invitation card.",
    ),
    "nudge_result_unreachable": (
        "{count} tidak dapat dihubungi (memblokir bot).",
        "{count} unreachable (they blocked the bot).",
    ),
    "nudge_result_failed": (
        "{count} gagal terkirim; silakan coba beberapa saat lagi.",
        "{count} could not be sent; please try again in a little while.",
    ),
    "nudge_already_sent": (
        "Pengingat dari laporan ini sudah dikirim. Silakan ketik /progres untuk laporan baru.",
        "The reminder from this report was already sent. Please type /progress for a new report.",
    ),
    "export_pick": (
        "Silakan pilih lokakarya yang akan diekspor:",
        "Please choose the workshop to export:",
    ),
    "btn_export_all": ("📦 Semua lokakarya", "📦 Every workshop"),
    "export_preparing": ("⏳ Sedang menyiapkan ekspor…", "⏳ Preparing the export…"),
    "export_caption": (
        "📥 Hasil {scope} per {time}.\n"
        "✅ {submitted} mengirim · ✍️ {in_progress} mengisi · ▫️ {not_started} belum mulai "
        "(dari {total}).\n{index}",
        "📥 Results of {scope} as of {time}.\n"
        "✅ {submitted} submitted · ✍️ {in_progress} in progress · ▫️ {not_started} not "
        "started (of {total}).\n{index}",
    ),
    "export_index": ("Indeks sementara: {index} ({band}).", "Provisional index: {index} ({band})."),
    "export_no_index": ("Indeks: belum ada jawaban berskor.", "Index: no scored answers yet."),
    "export_before_closing": (
        "⏰ Penutupan dimulai pukul {time}. Berikut hasil sementara lokakarya {workshop}.",
        "⏰ The closing session starts at {time}. Here are the provisional results of {workshop}.",
    ),
    "export_all_scope": ("semua lokakarya", "every workshop"),
    # --- workshops, agenda, reminders, broadcasts, staff access ----------------------
    # (bot/notices.py, bot/handlers/agenda.py, bot/handlers/staff.py)
    "workshop_name": ("Lokakarya {province}", "{province} workshop"),
    "month_names": (
        "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember",
        "January February March April May June July August September October November December",
    ),
    "agenda_title": (
        "🗓 Agenda {workshop}\n{date} · waktu {zone}",
        "🗓 Agenda of the {workshop}\n{date} · {zone} time",
    ),
    "agenda_line": ("{start}–{end}  {title}{mark}",) * 2,
    "agenda_now": ("  ◀ sekarang", "  ◀ now"),
    "agenda_next": ("  ◀ berikutnya", "  ◀ next"),
    "agenda_empty": (
        "Agenda lokakarya belum tersedia.",
        "The workshop agenda is not available yet.",
    ),
    "agenda_moved_later": (
        "🗓 Sesi {title} diundur ke {time}.",
        "🗓 The {title} session has been moved to {time}.",
    ),
    "agenda_moved_earlier": (
        "🗓 Sesi {title} dimajukan ke {time}.",
        "🗓 The {title} session has been moved to {time}.",
    ),
    "agenda_followers_later": (
        "Sesi berikutnya juga mundur {minutes} menit.",
        "Later sessions are also {minutes} minutes later.",
    ),
    "agenda_followers_earlier": (
        "Sesi berikutnya juga maju {minutes} menit.",
        "Later sessions are also {minutes} minutes earlier.",
    ),
    "reminder_break": (
        "☕ {session} telah dimulai. Apabila Bapak/Ibu berkenan, silakan melanjutkan "
        "kuesioner ({answered} dari {total} pertanyaan telah dijawab).",
        "☕ {session} has started. If you have a moment, please carry on with the "
        "questionnaire ({answered} of {total} questions answered).",
    ),
    "reminder_last_call": (
        "⏰ Penutupan dimulai pukul {time}. Mohon selesaikan dan kirim kuesioner sebelum "
        "waktu tersebut ({answered} dari {total} pertanyaan telah dijawab).",
        "⏰ The closing session starts at {time}. Please finish and submit your "
        "questionnaire before then ({answered} of {total} questions answered).",
    ),
    "broadcast_header": ("📢 Pengumuman", "📢 Announcement"),
    "summary_title": (
        "📊 Ringkasan {workshop} saat penutupan dimulai ({time})",
        "📊 {workshop}: summary as the closing starts ({time})",
    ),
    "summary_counts": (
        "✅ Sudah mengirim: {submitted} dari {total}\n✍️ Sedang mengisi: {in_progress}\n"
        "▫️ Belum mulai: {not_started}",
        "✅ Submitted: {submitted} of {total}\n✍️ In progress: {in_progress}\n"
        "▫️ Not started: {not_started}",
    ),
    "summary_unfinished": ("Belum mengirim:{names}", "Not submitted:{names}"),
    "summary_all_submitted": (
        "Semua peserta sudah mengirim jawaban. 🎉",
        "Every participant has submitted. 🎉",
    ),
    "names_more": ("… dan {count} lainnya", "… and {count} more"),
    "arena_government": ("Pemerintah", "Government"),
    "arena_bureaucracy": ("Birokrasi", "Bureaucracy"),
    "arena_civil_society": ("Masyarakat Sipil", "Civil Society"),
    "arena_economic_society": ("Masyarakat Ekonomi", "Economic Society"),
    "staff_tools": (
        "Selamat datang kembali{name}. Alat untuk staf:\n\n"
        "/progres – kemajuan pengisian peserta\n/ekspor – unduh hasil\n"
        "/agenda – lihat dan geser sesi\n/siaran – kirim pengumuman kepada peserta",
        "Welcome back{name}. Staff tools:\n\n"
        "/progress – participants' progress\n/export – download the results\n"
        "/agenda – see and move sessions\n/broadcast – send an announcement to participants",
    ),
    "staff_welcome_organiser": (
        "Selamat datang{name}\n\nBapak/Ibu kini terdaftar sebagai penyelenggara untuk "
        "semua lokakarya.\n\n"
        "/progres – kemajuan pengisian peserta\n/ekspor – unduh hasil\n"
        "/agenda – lihat dan geser sesi\n/siaran – kirim pengumuman kepada peserta",
        "Welcome{name}\n\nYou are now an organiser of every workshop.\n\n"
        "/progress – participants' progress\n/export – download the results\n"
        "/agenda – see and move sessions\n/broadcast – send participants an announcement",
    ),
    "staff_welcome_facilitator": (
        "Selamat datang{name}\n\nBapak/Ibu kini terdaftar sebagai fasilitator {workshop}.\n\n"
        "/progres – kemajuan pengisian peserta\n/ekspor – unduh hasil\n"
        "/agenda – lihat dan geser sesi\n/siaran – kirim pengumuman kepada peserta",
        "Welcome{name}\n\nYou are now a facilitator of the {workshop}.\n\n"
        "/progress – participants' progress\n/export – download the results\n"
        "/agenda – see and move sessions\n/broadcast – send participants an announcement",
    ),
    "staff_link_invalid": (
        "Tautan ini sudah tidak berlaku. Mohon minta tautan baru kepada penyelenggara.",
        "This link is no longer valid. Please ask the organisers for a new one.",
    ),
    "staff_forbidden": (
        "Mohon maaf, Bapak/Ibu tidak memiliki akses untuk itu.",
        "Sorry, you don't have access to that.",
    ),
    "staff_pick_workshop": ("Silakan pilih lokakarya:", "Please choose a workshop:"),
    "staff_no_workshops": ("Belum ada lokakarya.", "There are no workshops yet."),
    "bc_pick_scope": ("📢 Siaran: untuk lokakarya mana?", "📢 Broadcast: to which workshop?"),
    "bc_all_workshops": ("🌏 Semua lokakarya", "🌏 Every workshop"),
    "bc_pick_filter": (
        "📢 Siaran untuk {scope}: peserta yang mana?",
        "📢 Broadcast to {scope}: which participants?",
    ),
    "bc_scope_workshop": ("{name}", "the {name}"),
    "bc_everyone": ("Semua peserta", "Everyone"),
    "bc_not_submitted": ("Yang belum mengirim jawaban", "Not yet submitted"),
    "bc_all_scope": ("semua lokakarya", "every workshop"),
    "bc_audience_everyone": ("seluruh peserta {scope}", "everyone at {scope}"),
    "bc_audience_not_submitted": (
        "peserta {scope} yang belum mengirim jawaban",
        "those at {scope} who have not submitted",
    ),
    "bc_audience_arena": ("arena {arena} di {scope}", "the {arena} arena at {scope}"),
    "bc_ask_text": (
        "✍️ Silakan ketik pesan untuk {audience}, lalu kirim. Bapak/Ibu akan melihat "
        "pratinjau sebelum pesan dikirim.",
        "✍️ Please type the message for {audience} and send it. You will see a preview "
        "before anything goes out.",
    ),
    "bc_preview": (
        "👀 Pratinjau untuk {audience} ({count} penerima). Peserta akan menerima:",
        "👀 Preview for {audience} ({count} recipients). Participants will receive:",
    ),
    "bc_btn_send": ("📨 Kirim ke {count} orang", "📨 Send to {count} people"),
    "bc_unopened": (
        "{count} undangan lain belum membuka bot, jadi tidak akan menerima siaran ini.",
        "{count} other invitees have not opened the bot, so they will not receive it.",
    ),
    "bc_superseded": (
        "Pratinjau ini sudah diganti dengan teks yang lebih baru; tidak ada yang dikirim. "
        "Silakan gunakan tombol di bawah pratinjau terbaru.",
        "This preview was replaced by a newer text; nothing was sent. Please use the "
        "button under the latest preview.",
    ),
    "bc_confirm_large": (
        "⚠️ Siaran besar: {count} penerima di {workshops} lokakarya.\n{lines}\n\n"
        "Zona waktu berbeda: pastikan isi dan jamnya tepat untuk semua. Kirim sekarang?",
        "⚠️ A large broadcast: {count} recipients at {workshops} workshops.\n{lines}\n\n"
        "Time zones differ: make sure the text and times suit everyone. Send now?",
    ),
    "bc_reach_line": (
        "• {province} ({code}, {zone}): {count} penerima, {unopened} belum membuka bot",
        "• {province} ({code}, {zone}): {count} recipients, {unopened} not yet in the bot",
    ),
    "bc_btn_confirm_large": (
        "⚠️ Ya, kirim ke {count} orang",
        "⚠️ Yes, send to {count} people",
    ),
    "bc_cancelled": ("Siaran dibatalkan.", "Broadcast cancelled."),
    "bc_sending": (
        "📨 Siaran #{id} sedang dikirim kepada {count} orang. Laporannya menyusul.",
        "📨 Broadcast #{id} is going out to {count} people. A report will follow.",
    ),
    "bc_nobody": (
        "Belum ada peserta dalam kelompok ini yang membuka bot.",
        "Nobody in this group has opened the bot yet.",
    ),
    "bc_expired": (
        "Draf siaran ini sudah tidak berlaku. Silakan mulai lagi dengan /siaran.",
        "This broadcast draft is no longer valid. Please start again with /broadcast.",
    ),
    "bc_too_long": (
        "Pesan terlalu panjang ({length} karakter; maksimal {max}). Mohon persingkat.",
        "The message is too long ({length} characters; at most {max}). Please shorten it.",
    ),
    "bc_report": (
        "📬 Laporan siaran #{id}: {sent} terkirim, {failed} gagal, {blocked} memblokir bot.",
        "📬 Broadcast #{id} report: {sent} delivered, {failed} failed, {blocked} blocked the bot.",
    ),
    "bc_report_blocked": ("Memblokir bot:{names}", "Blocked the bot:{names}"),
    "bc_report_failed": ("Gagal terkirim:{names}", "Not delivered:{names}"),
    "ag_pick_session": (
        "Silakan tekan sesi yang akan digeser.",
        "Please press the session to move.",
    ),
    "ag_pick_shift": (
        "Geser “{title}” ({start}–{end})? Pilih berapa menit:",
        "Move “{title}” ({start}–{end})? Choose by how many minutes:",
    ),
    "ag_confirm": ("“{title}”: {old} → {new}", "“{title}”: {old} → {new}"),
    "ag_confirm_followers": (
        "{count} sesi berikutnya ikut bergeser.",
        "The {count} later sessions move too.",
    ),
    "ag_confirm_notice": (
        "Peserta akan menerima:\n{notice}",
        "Participants will receive:\n{notice}",
    ),
    "ag_btn_confirm": ("✅ Ya, geser", "✅ Yes, move it"),
    "ag_done": (
        "✅ Agenda diperbarui. {count} peserta diberi tahu.",
        "✅ Agenda updated. {count} participants will be notified.",
    ),
    "ag_cancelled": ("Agenda tidak diubah.", "The agenda is unchanged."),
    "ag_changed_meanwhile": (
        "Agenda sudah berubah sejak pesan ini. Silakan ketik /agenda untuk melihat yang terbaru.",
        "The agenda has changed since this message. Please type /agenda to see the latest.",
    ),
    "ag_problem_overlap": (
        "Sesi tidak dapat digeser karena jadwalnya akan bertabrakan dengan sesi lain.",
        "The session cannot be moved: it would overlap another session.",
    ),
    "ag_problem_day": (
        "Sesi tidak dapat digeser karena jadwalnya akan keluar dari hari lokakarya.",
        "The session cannot be moved: it would fall outside the workshop day.",
    ),
    # --- staff help and code lockouts (bot/handlers/staff_tools.py) --------------------
    "staff_help": (
        "Bantuan untuk panitia dan fasilitator\n\n"
        "/progres – kemajuan pengisian peserta, dengan tombol pengingat\n"
        "/ekspor – unduh hasil (XLSX)\n"
        "/agenda – lihat dan geser sesi\n"
        "/siaran – kirim pengumuman kepada peserta\n"
        "/buka NOMOR – buka kembali akses peserta yang salah mengetik kode terlalu sering "
        "(nomor akun Telegram tampil di layar peserta); /buka semua – buka semua\n\n"
        "Peserta yang belum dapat masuk: minta mereka memindai kode QR pada kartu undangan; "
        "kode QR selalu dapat dipakai.",
        "Help for organisers and facilitators\n\n"
        "/progress – participants' progress, with a reminder button\n"
        "/export – download the results (XLSX)\n"
        "/agenda – see and move sessions\n"
        "/broadcast – send participants an announcement\n"
        "/unlock NUMBER – let in again a participant who mistyped the code too often "
        "(the Telegram account number is shown on their screen); /unlock all – everyone\n\n"
        "Participants who cannot get in: ask them to scan the QR code on the invitation "
        "card; the QR code always works.",
    ),
    "unlock_usage": (
        "Silakan ketik /buka diikuti nomor akun Telegram yang tampil di layar peserta, "
        "misalnya /buka 123456789, atau /buka semua.",
        "Please type /unlock followed by the Telegram account number shown on the "
        "participant's screen, for example /unlock 123456789, or /unlock all.",
    ),
    "unlock_done": (
        "Akses dibuka kembali: {accounts}. Peserta dapat mengetik kodenya lagi sekarang.",
        "Unlocked: {accounts}. They may type their code again now.",
    ),
    "unlock_all_done": (
        "Semua akses dibuka kembali ({count} akun).",
        "Every lockout lifted ({count} accounts).",
    ),
    "unlock_none": (
        "Saat ini tidak ada akun yang terkunci.",
        "Nobody is locked out at the moment.",
    ),
    "unlock_locked_list": (
        "Akun yang terkunci saat ini: {accounts}.",
        "Locked out now: {accounts}.",
    ),
}

# The staff's own command menu (bot/handlers/commands_menu.py): command -> descriptions.
STAFF_COMMAND_DESCRIPTIONS: Final[dict[str, tuple[str, str]]] = {
    "progres": ("Kemajuan pengisian peserta", "Participants' progress"),
    "ekspor": ("Unduh hasil (Excel)", "Download the results (Excel)"),
    "agenda": ("Lihat dan geser sesi", "See and move sessions"),
    "siaran": ("Kirim pengumuman kepada peserta", "Send an announcement to participants"),
}

STAFF_ENGLISH_ALIASES: Final[dict[str, str]] = {
    "progres": "progress",
    "ekspor": "export",
    "agenda": "agenda",
    "siaran": "broadcast",
}
