"""The catalog of every user-visible string, in Indonesian and English."""

from __future__ import annotations

from typing import Final

LANGUAGES: Final = ("id", "en")
DEFAULT_LANGUAGE: Final = "id"

# key -> (Indonesian, English). Placeholders use str.format names.
CATALOG: Final[dict[str, tuple[str, str]]] = {
    # --- invitation and first contact -------------------------------------------------
    "ask_code": (
        "Selamat datang di wipbot, kuesioner tata kelola pemerintahan provinsi.\n\n"
        "Silakan kirim kode undangan yang tertera pada kartu undangan Anda "
        "(misalnya K7M4PQ2X), atau buka tautan undangan Anda.",
        "Welcome to wipbot, the provincial governance questionnaire.\n\n"
        "Please send the invitation code printed on your invitation card "
        "(for example K7M4PQ2X), or open your invitation link.",
    ),
    "code_unknown": (
        "Kode «{code}» tidak dikenal. Periksa kembali kartu undangan Anda lalu kirim "
        "kodenya lagi. Kode tidak memakai angka 0 dan 1 maupun huruf O, I, dan l.",
        "The code «{code}» is not known. Please check your invitation card and send the "
        "code again. Codes never use the digits 0 and 1 or the letters O, I and l.",
    ),
    "code_locked": (
        "Terlalu banyak kode yang salah. Silakan coba lagi dalam {minutes} menit, atau "
        "minta bantuan fasilitator.",
        "Too many wrong codes. Please try again in {minutes} minutes, or ask a "
        "facilitator for help.",
    ),
    "code_taken": (
        "Kode undangan ini sudah dipakai oleh akun Telegram lain. Satu undangan hanya "
        "untuk satu akun. Jika ini keliru, silakan hubungi fasilitator.",
        "This invitation code is already used by another Telegram account. One "
        "invitation is for one account only. If this is a mistake, please contact a "
        "facilitator.",
    ),
    "account_has_other_invitation": (
        "Akun Telegram Anda sudah terdaftar untuk undangan atas nama {name}. "
        "Ketik /lanjut untuk meneruskan kuesioner Anda.",
        "Your Telegram account is already registered for the invitation of {name}. "
        "Type /resume to carry on with your questionnaire.",
    ),
    "welcome_consent": (
        "Selamat datang, {name}!\n\n"
        "Anda diundang sebagai narasumber pada {workshop}. Kuesioner ini berisi "
        "{count} pertanyaan tentang tata kelola pemerintahan provinsi; Anda dapat "
        "mengisinya sedikit demi sedikit di sela-sela sesi.\n\n"
        "Yang kami simpan: jawaban Anda, arena dan kategori Anda, serta waktu menjawab. "
        "Jawaban hanya dilihat oleh tim peneliti dan fasilitator lokakarya, dan hasilnya "
        "dilaporkan per arena, tidak pernah per nama.\n\n"
        "Tekan «Saya setuju» untuk mulai.",
        "Welcome, {name}!\n\n"
        "You are invited as a resource person at {workshop}. This questionnaire has "
        "{count} questions on provincial governance; you can answer a few at a time "
        "between sessions.\n\n"
        "What we keep: your answers, your arena and category, and when you answered. "
        "Only the research team and the workshop facilitators see the answers, and "
        "results are reported by arena, never by name.\n\n"
        "Press «I agree» to begin.",
    ),
    "consent_workshop": (
        "Lokakarya Tata Kelola Pemerintahan {province}",
        "the {province} governance workshop",
    ),
    "btn_agree": ("✅ Saya setuju", "✅ I agree"),
    "btn_switch_language": ("🇬🇧 English", "🇮🇩 Bahasa Indonesia"),
    "consent_first": (
        "Silakan baca pernyataan di atas dan tekan «Saya setuju» terlebih dahulu.",
        "Please read the statement above and press «I agree» first.",
    ),
    "consent_recorded": (
        "Terima kasih, persetujuan Anda tercatat.",
        "Thank you, your consent is recorded.",
    ),
    "not_registered": (
        "Anda belum terdaftar. Kirim kode undangan Anda atau buka tautan undangan.",
        "You are not registered yet. Send your invitation code or open your invitation link.",
    ),
    # --- questions -----------------------------------------------------------------
    "header_section": (
        "Bagian {section}/{sections} · {title}",
        "Section {section}/{sections} · {title}",
    ),
    "current_answer": ("Jawaban saat ini: {answer}", "Current answer: {answer}"),
    "answered_marker": ("✅ Jawaban: {answer}", "✅ Answer: {answer}"),
    "scale_instruction": (
        "Pilih {low} ({low_label}) sampai {high} ({high_label}).",
        "Choose {low} ({low_label}) to {high} ({high_label}).",
    ),
    "scale_low": ("sangat buruk", "very poor"),
    "scale_high": ("sangat baik", "very good"),
    "single_instruction": ("Pilih satu jawaban.", "Choose one answer."),
    "multiple_instruction": (
        "Pilih satu atau lebih, lalu tekan «Selesai».",
        "Choose one or more, then press «Done».",
    ),
    "integer_instruction": (
        "Ketik jawaban Anda berupa bilangan bulat{bounds}.",
        "Type your answer as a whole number{bounds}.",
    ),
    "decimal_instruction": (
        "Ketik jawaban Anda berupa angka{bounds}; boleh memakai koma, misalnya 7,5.",
        "Type your answer as a number{bounds}; a decimal comma is fine, e.g. 7,5.",
    ),
    "bounds_between": (" antara {low} dan {high}", " between {low} and {high}"),
    "bounds_at_least": (" paling kecil {low}", " of at least {low}"),
    "bounds_at_most": (" paling besar {high}", " of at most {high}"),
    "text_instruction": (
        "Ketik jawaban Anda (paling banyak {max} karakter).",
        "Type your answer (at most {max} characters).",
    ),
    "note_instruction": ("Tekan «Lanjut» untuk meneruskan.", "Press «Next» to continue."),
    "optional_marker": ("(boleh dilewati)", "(optional)"),
    "btn_dont_know": ("Tidak tahu", "Don't know"),
    "btn_back": ("◀ Kembali", "◀ Back"),
    "btn_skip": ("Lewati ▶", "Skip ▶"),
    "btn_done": ("✔ Selesai", "✔ Done"),
    "btn_next": ("Lanjut ▶", "Next ▶"),
    "btn_resume": ("▶ Lanjutkan", "▶ Continue"),
    "value_dont_know": ("Tidak tahu", "Don't know"),
    "value_skipped": ("Dilewati", "Skipped"),
    "value_none": ("belum dijawab", "not answered"),
    # --- answer problems (engine codes) ----------------------------------------------
    "invalid_not_a_number": (
        "«{text}» bukan angka yang dapat saya baca.",
        "I cannot read «{text}» as a number.",
    ),
    "invalid_not_an_integer": (
        "«{text}» bukan bilangan bulat.",
        "«{text}» is not a whole number.",
    ),
    "invalid_below_min": ("Jawaban paling kecil {min}.", "The answer must be at least {min}."),
    "invalid_above_max": ("Jawaban paling besar {max}.", "The answer must be at most {max}."),
    "invalid_too_long": (
        "Jawaban terlalu panjang ({length} karakter); paling banyak {max} karakter.",
        "The answer is too long ({length} characters); at most {max} characters.",
    ),
    "invalid_empty": ("Jawaban tidak boleh kosong.", "The answer cannot be empty."),
    "invalid_unknown_choice": (
        "Pilihan itu tidak ada untuk pertanyaan ini.",
        "That choice does not exist for this question.",
    ),
    "invalid_empty_selection": (
        "Pilih setidaknya satu jawaban, lalu tekan «Selesai».",
        "Choose at least one answer, then press «Done».",
    ),
    "invalid_constraint_failed": (
        "Jawaban ini tidak memenuhi syarat pertanyaan.",
        "This answer does not meet the question's condition.",
    ),
    "invalid_required": (
        "Pertanyaan ini wajib dijawab dan tidak dapat dilewati.",
        "This question is required and cannot be skipped.",
    ),
    "invalid_dont_know_not_allowed": (
        "Untuk pertanyaan ini pilihan «Tidak tahu» tidak tersedia.",
        "«Don't know» is not available for this question.",
    ),
    "invalid_other": (
        "Jawaban ini tidak dapat diterima.",
        "This answer cannot be accepted.",
    ),
    "use_buttons": (
        "Untuk pertanyaan ini, silakan jawab dengan menekan tombol di bawah pertanyaan.",
        "For this question, please answer with the buttons below it.",
    ),
    "edited_ignored": (
        "Pesan yang diubah tidak kami baca, dan jawaban Bapak/Ibu tetap seperti semula. "
        "Untuk mengubah jawaban, silakan gunakan /tinjau.",
        "We don't read edited messages, and your answers stay as they were. "
        "To change an answer, please use /review.",
    ),
    "unsupported_message": (
        "Maaf, saya hanya memahami teks dan tombol. Ini pertanyaan Anda saat ini:",
        "Sorry, I only understand text and buttons. Here is your current question:",
    ),
    "stale_button": (
        "Tombol itu milik pertanyaan lain. Pertanyaan tersebut dibuka kembali di bawah.",
        "That button belongs to another question. It is opened again below.",
    ),
    # --- completion and submission ---------------------------------------------------
    "all_answered": (
        "Terima kasih! Semua pertanyaan sudah terjawab.\n\n"
        "Periksa jawaban Anda dengan /tinjau, lalu kirim dengan /kirim. Setelah dikirim, "
        "jawaban tidak dapat diubah lagi.",
        "Thank you! Every question is answered.\n\n"
        "Check your answers with /review, then submit them with /submit. Once submitted, "
        "answers can no longer be changed.",
    ),
    "btn_submit_now": ("📨 Kirim sekarang", "📨 Submit now"),
    "btn_review": ("📋 Tinjau", "📋 Review"),
    "submit_confirm": (
        "Kirim jawaban Anda sekarang? Setelah dikirim, jawaban tidak dapat diubah lagi.",
        "Submit your answers now? Once submitted, they can no longer be changed.",
    ),
    "btn_confirm_submit": ("✅ Ya, kirim", "✅ Yes, submit"),
    "btn_cancel": ("Batal", "Cancel"),
    "submit_cancelled": (
        "Baik, jawaban belum dikirim. Anda masih dapat mengubahnya.",
        "All right, nothing is submitted yet. You can still change your answers.",
    ),
    "submit_missing": (
        "Masih ada {count} pertanyaan wajib yang belum dijawab:\n{items}",
        "{count} required questions are still unanswered:\n{items}",
    ),
    "submitted": (
        "Jawaban Anda sudah terkirim. Terima kasih atas partisipasi Anda, {name}!",
        "Your answers are submitted. Thank you for taking part, {name}!",
    ),
    "already_submitted": (
        "Jawaban Anda sudah dikirim dan tidak dapat diubah lagi. Jika ada yang perlu "
        "diperbaiki, silakan hubungi fasilitator.",
        "Your answers are already submitted and can no longer be changed. If something "
        "needs correcting, please contact a facilitator.",
    ),
    "workshop_closed": (
        "Lokakarya {workshop} sudah ditutup, sehingga jawaban tidak dapat diterima lagi. "
        "Terima kasih atas perhatian Anda.",
        "The workshop {workshop} is closed, so answers can no longer be accepted. "
        "Thank you for your time.",
    ),
    # --- progress, review, language, help ----------------------------------------------
    "progress_title": (
        "Kemajuan Anda: {answered} dari {total} pertanyaan terjawab.",
        "Your progress: {answered} of {total} questions answered.",
    ),
    "progress_line": ("{mark} {title}: {answered}/{total}",) * 2,
    "progress_submitted": ("Status: sudah dikirim ✅", "Status: submitted ✅"),
    "progress_not_submitted": (
        "Status: belum dikirim. Ketik /lanjut untuk meneruskan.",
        "Status: not submitted yet. Type /resume to carry on.",
    ),
    "review_title": ("Jawaban Anda · {title}", "Your answers · {title}"),
    "review_line": ("{number}. {text}\n    → {answer}",) * 2,
    "review_pick": (
        "Tekan nomor pertanyaan untuk mengubah jawabannya.",
        "Press a question number to change its answer.",
    ),
    "review_empty": (
        "Anda belum menjawab pertanyaan apa pun. Ketik /lanjut untuk mulai.",
        "You have not answered any question yet. Type /resume to begin.",
    ),
    "language_prompt": ("Pilih bahasa / Choose a language:",) * 2,
    "language_set": (
        "Bahasa diubah ke Bahasa Indonesia.",
        "The language is now English.",
    ),
    "btn_lang_id": ("🇮🇩 Bahasa Indonesia",) * 2,
    "btn_lang_en": ("🇬🇧 English",) * 2,
    "help": (
        "Perintah yang tersedia:\n"
        "/lanjut – tampilkan pertanyaan saat ini\n"
        "/progres – kemajuan Anda per bagian\n"
        "/tinjau – lihat dan ubah jawaban Anda\n"
        "/kirim – kirim jawaban Anda\n"
        "/agenda – jadwal lokakarya hari ini\n"
        "/bahasa – ganti bahasa\n"
        "/bantuan – bantuan ini\n\n"
        "Jawaban tersimpan setiap kali Anda menjawab, jadi Anda dapat berhenti kapan saja "
        "dan melanjutkan nanti.",
        "Available commands:\n"
        "/resume – show the current question\n"
        "/progress – your progress by section\n"
        "/review – see and change your answers\n"
        "/submit – submit your answers\n"
        "/agenda – today's workshop agenda\n"
        "/language – change the language\n"
        "/help – this help\n\n"
        "Every answer is saved as soon as you give it, so you can stop at any time and "
        "carry on later.",
    ),
    "unknown_command": (
        "Perintah itu tidak dikenal. Ketik /bantuan untuk melihat perintah yang tersedia.",
        "I do not know that command. Type /help to see the available commands.",
    ),
    "error_generic": (
        "Maaf, terjadi gangguan sementara. Jawaban Anda yang sebelumnya tetap tersimpan. "
        "Silakan coba lagi sebentar lagi.",
        "Sorry, something went wrong for a moment. Your earlier answers are safe. "
        "Please try again shortly.",
    ),
    # --- staff reports: progress, nudges, exports (bot/handlers/staff_reports.py) -------
    "report_title": (
        "📊 Kemajuan {workshop}\n{province} · {date}",
        "📊 Progress {workshop}\n{province} · {date}",
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
    "report_status_in_progress": ("{answered}/{total}", "{answered}/{total}"),
    "report_flag_unbound": ("belum terhubung ke bot", "not connected to the bot"),
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
    "btn_nudge": ("🔔 Ingatkan yang belum selesai ({count})", "🔔 Remind the unfinished ({count})"),
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
        "Pilih lokakarya untuk melihat rinciannya:",
        "Choose a workshop to see its details:",
    ),
    "no_workshops": ("Belum ada lokakarya.", "There are no workshops yet."),
    "staff_not_allowed": (
        "Anda tidak (lagi) memiliki akses ke lokakarya ini.",
        "You do not (or no longer) have access to this workshop.",
    ),
    "nudge_not_started": (
        "🔔 Pengingat dari fasilitator: Anda belum mulai mengisi kuesioner {workshop}. "
        "Tekan «Lanjutkan» untuk mulai; hanya perlu beberapa menit.",
        "🔔 A reminder from the facilitator: you have not started the {workshop} "
        "questionnaire yet. Press «Continue» to begin; it takes only a few minutes.",
    ),
    "nudge_in_progress": (
        "🔔 Pengingat dari fasilitator: kuesioner Anda belum selesai ({answered} dari "
        "{total} pertanyaan terjawab). Tekan «Lanjutkan» untuk meneruskan.",
        "🔔 A reminder from the facilitator: your questionnaire is not finished yet "
        "({answered} of {total} questions answered). Press «Continue» to carry on.",
    ),
    "nudge_result": (
        "🔔 Pengingat terkirim ke {sent} peserta.",
        "🔔 Reminder sent to {sent} participants.",
    ),
    "nudge_result_unbound": (
        "{count} belum terhubung ke bot: berikan kartu undangannya.",
        "{count} not connected to the bot: hand them their invitation card.",
    ),
    "nudge_result_unreachable": (
        "{count} tidak dapat dihubungi (memblokir bot).",
        "{count} unreachable (they blocked the bot).",
    ),
    "nudge_result_failed": (
        "{count} gagal terkirim; coba lagi sebentar lagi.",
        "{count} could not be sent; try again shortly.",
    ),
    "nudge_already_sent": (
        "Pengingat dari laporan ini sudah dikirim. Ketik /progres untuk laporan baru.",
        "The reminder from this report was already sent. Type /progress for a new report.",
    ),
    "export_pick": ("Pilih lokakarya yang akan diekspor:", "Choose the workshop to export:"),
    "btn_export_all": ("📦 Semua lokakarya", "📦 Every workshop"),
    "export_preparing": ("⏳ Menyiapkan ekspor…", "⏳ Preparing the export…"),
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
        "🗓 The {title} session is moved to {time}.",
    ),
    "agenda_moved_earlier": (
        "🗓 Sesi {title} dimajukan ke {time}.",
        "🗓 The {title} session is moved to {time}.",
    ),
    "agenda_followers_later": (
        "Sesi-sesi sesudahnya ikut mundur {minutes} menit.",
        "The sessions after it move {minutes} minutes later too.",
    ),
    "agenda_followers_earlier": (
        "Sesi-sesi sesudahnya ikut maju {minutes} menit.",
        "The sessions after it move {minutes} minutes earlier too.",
    ),
    "reminder_break": (
        "☕ {session} sudah dimulai: saat yang tepat untuk melanjutkan kuesioner. "
        "{answered} dari {total} pertanyaan sudah terjawab.",
        "☕ {session} has started: a good moment to carry on with the questionnaire. "
        "{answered} of {total} questions answered so far.",
    ),
    "reminder_last_call": (
        "⏰ Penutupan dimulai pukul {time}. Mohon selesaikan dan kirim kuesioner Anda "
        "sebelum itu ({answered} dari {total} pertanyaan terjawab).",
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
    "summary_unfinished": ("Belum mengirim: {names}", "Not submitted: {names}"),
    "summary_all_submitted": (
        "Semua peserta sudah mengirim jawaban. 🎉",
        "Every participant has submitted. 🎉",
    ),
    "names_more": ("… dan {count} lainnya", "… and {count} more"),
    "arena_government": ("Pemerintah", "Government"),
    "arena_bureaucracy": ("Birokrasi", "Bureaucracy"),
    "arena_civil_society": ("Masyarakat sipil", "Civil society"),
    "arena_economic_society": ("Masyarakat ekonomi", "Economic society"),
    "staff_welcome_organiser": (
        "Selamat datang{name}! Anda sekarang penyelenggara untuk semua lokakarya.\n\n"
        "/agenda – lihat dan geser sesi\n/siaran – kirim pengumuman ke peserta",
        "Welcome{name}! You are now an organiser of every workshop.\n\n"
        "/agenda – see and move sessions\n/broadcast – send participants an announcement",
    ),
    "staff_welcome_facilitator": (
        "Selamat datang{name}! Anda sekarang fasilitator {workshop}.\n\n"
        "/agenda – lihat dan geser sesi\n/siaran – kirim pengumuman ke peserta",
        "Welcome{name}! You are now a facilitator of the {workshop}.\n\n"
        "/agenda – see and move sessions\n/broadcast – send participants an announcement",
    ),
    "staff_link_invalid": (
        "Tautan ini tidak berlaku lagi. Mintalah tautan baru kepada penyelenggara.",
        "This link is no longer valid. Please ask the organisers for a new one.",
    ),
    "staff_forbidden": (
        "Anda tidak memiliki akses untuk itu.",
        "You do not have access to that.",
    ),
    "staff_pick_workshop": ("Pilih lokakarya:", "Choose a workshop:"),
    "staff_no_workshops": ("Belum ada lokakarya.", "There are no workshops yet."),
    "bc_pick_scope": ("📢 Siaran: untuk lokakarya mana?", "📢 Broadcast: to which workshop?"),
    "bc_all_workshops": ("🌏 Semua lokakarya", "🌏 Every workshop"),
    "bc_pick_filter": (
        "📢 Siaran untuk {scope}: peserta yang mana?",
        "📢 Broadcast to {scope}: which participants?",
    ),
    "bc_scope_workshop": ("{name}", "the {name}"),
    "bc_everyone": ("Semua peserta", "Everyone"),
    "bc_not_submitted": ("Yang belum mengirim", "Not yet submitted"),
    "bc_all_scope": ("semua lokakarya", "every workshop"),
    "bc_audience_everyone": ("semua peserta {scope}", "everyone at {scope}"),
    "bc_audience_not_submitted": (
        "peserta {scope} yang belum mengirim",
        "those at {scope} who have not submitted",
    ),
    "bc_audience_arena": ("arena {arena} di {scope}", "the {arena} arena at {scope}"),
    "bc_ask_text": (
        "✍️ Ketik pesan untuk {audience}, lalu kirim. Anda akan melihat pratinjau sebelum "
        "pesan dikirim.",
        "✍️ Type the message for {audience} and send it. You will see a preview before "
        "anything goes out.",
    ),
    "bc_preview": (
        "👀 Pratinjau untuk {audience} ({count} penerima). Peserta menerima:",
        "👀 Preview for {audience} ({count} recipients). Participants receive:",
    ),
    "bc_btn_send": ("📨 Kirim ke {count} orang", "📨 Send to {count} people"),
    "bc_cancelled": ("Siaran dibatalkan.", "Broadcast cancelled."),
    "bc_sending": (
        "📨 Siaran #{id} sedang dikirim ke {count} orang. Laporan menyusul.",
        "📨 Broadcast #{id} is going out to {count} people. A report follows.",
    ),
    "bc_nobody": (
        "Tidak ada peserta dalam kelompok ini yang terhubung ke bot.",
        "Nobody in this group is connected to the bot.",
    ),
    "bc_expired": (
        "Draf siaran ini sudah tidak berlaku. Mulai lagi dengan /siaran.",
        "This broadcast draft is no longer valid. Start again with /broadcast.",
    ),
    "bc_too_long": (
        "Pesan terlalu panjang ({length} karakter; paling banyak {max}). Silakan persingkat.",
        "The message is too long ({length} characters; at most {max}). Please shorten it.",
    ),
    "bc_report": (
        "📬 Laporan siaran #{id}: {sent} terkirim, {failed} gagal, {blocked} memblokir bot.",
        "📬 Broadcast #{id} report: {sent} delivered, {failed} failed, {blocked} blocked the bot.",
    ),
    "bc_report_blocked": ("Memblokir bot: {names}", "Blocked the bot: {names}"),
    "bc_report_failed": ("Gagal terkirim: {names}", "Not delivered: {names}"),
    "ag_pick_session": (
        "Tekan sesi yang akan digeser.",
        "Press the session to move.",
    ),
    "ag_pick_shift": (
        "Geser «{title}» ({start}–{end})?",
        "Move «{title}» ({start}–{end})?",
    ),
    "ag_confirm": ("«{title}»: {old} → {new}", "«{title}»: {old} → {new}"),
    "ag_confirm_followers": (
        "{count} sesi sesudahnya ikut bergeser.",
        "The {count} sessions after it move too.",
    ),
    "ag_confirm_notice": (
        "Peserta akan menerima:\n{notice}",
        "Participants will receive:\n{notice}",
    ),
    "ag_btn_confirm": ("✅ Ya, geser", "✅ Yes, move it"),
    "ag_done": (
        "✅ Agenda diperbarui. {count} peserta diberi tahu.",
        "✅ Agenda updated. {count} participants are being told.",
    ),
    "ag_cancelled": ("Agenda tidak diubah.", "The agenda is unchanged."),
    "ag_changed_meanwhile": (
        "Agenda sudah berubah sejak pesan ini. Ketik /agenda untuk melihat yang terbaru.",
        "The agenda changed since this message. Type /agenda to see the latest.",
    ),
    "ag_problem_overlap": (
        "Sesi tidak dapat digeser: jadwalnya akan bertabrakan dengan sesi lain.",
        "The session cannot be moved: it would overlap another session.",
    ),
    "ag_problem_day": (
        "Sesi tidak dapat digeser: jadwalnya akan keluar dari hari lokakarya.",
        "The session cannot be moved: it would leave the workshop's day.",
    ),
}

# Bot commands as registered with setMyCommands: (Indonesian name, English alias, key).
COMMAND_DESCRIPTIONS: Final[dict[str, tuple[str, str]]] = {
    "lanjut": ("Tampilkan pertanyaan saat ini", "Show the current question"),
    "progres": ("Kemajuan Anda", "Your progress"),
    "tinjau": ("Tinjau dan ubah jawaban", "Review and change answers"),
    "kirim": ("Kirim jawaban", "Submit answers"),
    "agenda": ("Jadwal lokakarya", "Workshop agenda"),
    "bahasa": ("Ganti bahasa", "Change language"),
    "bantuan": ("Bantuan", "Help"),
}


def normalise_language(code: str | None) -> str:
    """Maps a Telegram language_code or stored value onto a supported language."""
    if code and code.lower().split("-")[0] == "en":
        return "en"
    return DEFAULT_LANGUAGE


def t(key: str, lang: str, /, **params: object) -> str:
    """Returns the string for `key` in `lang`, formatted with `params`."""
    indonesian, english = CATALOG[key]
    template = english if lang == "en" else indonesian
    return template.format(**params) if params else template
