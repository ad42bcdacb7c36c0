"""The participant's strings: invitation, consent, questions, answers, review, submission."""

from __future__ import annotations

from typing import Final

# key -> (Indonesian, English); the voice is described in bot/i18n/__init__.py.
PARTICIPANT: Final[dict[str, tuple[str, str]]] = {
    # --- invitation and first contact -------------------------------------------------
    "ask_code": (
        "Selamat datang, Bapak/Ibu. Ini adalah kuesioner tata kelola pemerintahan provinsi "
        "untuk peserta lokakarya.\n\n"
        "Silakan ketik kode undangan yang tercetak pada kartu undangan (contoh: K7M4P-Q2XRT), "
        "atau pindai kode QR pada kartu tersebut.",
        "Welcome. This is the provincial governance questionnaire for workshop "
        "participants.\n\n"
        "Please type the invitation code printed on your invitation card (for example "
        "K7M4P-Q2XRT), or scan the QR code on the card.",
    ),
    "code_unknown": (
        "Kode “{code}” tidak kami temukan. Mohon periksa kembali kartu undangan, lalu ketik "
        "kodenya sekali lagi. Kode tidak mengandung angka 0 dan 1 serta huruf I, L, dan O.",
        "We could not find the code “{code}”. Please check your invitation card and type "
        "the code again. Codes never contain the digits 0 and 1 or the letters I, L and O.",
    ),
    "code_prompt": (
        "Terima kasih, Bapak/Ibu. Untuk memulai, kami memerlukan kode undangan: 10 huruf "
        "dan angka yang tercetak pada kartu undangan (contoh: K7M4P-Q2XRT). Silakan ketik "
        "kode tersebut, atau pindai kode QR pada kartu dengan kamera ponsel.",
        "Thank you. To begin, we need your invitation code: the 10 letters and digits "
        "printed on your invitation card (for example K7M4P-Q2XRT). Please type the code, "
        "or scan the QR code on the card with your phone's camera.",
    ),
    "code_locked": (
        "Kode yang diketik sudah beberapa kali tidak cocok. Demi keamanan, silakan coba "
        "lagi setelah {minutes} menit, atau pindai kode QR pada kartu undangan: kode QR "
        "tetap dapat dipakai. Panitia atau fasilitator di ruangan juga dapat membuka "
        "kembali akses Bapak/Ibu dengan nomor akun Telegram ini: {account}.",
        "The code did not match several times. For security, please try again after "
        "{minutes} minutes, or scan the QR code on your invitation card: the QR code still "
        "works. The organisers or a facilitator in the room can also let you in again with "
        "this Telegram account number: {account}.",
    ),
    "code_taken": (
        "Kode undangan ini sudah dipakai oleh akun Telegram lain. Satu undangan hanya berlaku "
        "untuk satu akun. Bila ada kekeliruan, mohon hubungi fasilitator di ruangan.",
        "This invitation code is already in use by another Telegram account. Each "
        "invitation is for one account only. If this is a mistake, please speak to a "
        "facilitator in the room.",
    ),
    "account_has_other_invitation": (
        "Akun Telegram ini sudah terdaftar untuk undangan atas nama {name}. "
        "Silakan ketik /lanjut untuk melanjutkan kuesioner.",
        "This Telegram account is already registered for the invitation of {name}. "
        "Please type /resume to carry on with the questionnaire.",
    ),
    "welcome_consent": (
        "Selamat datang, Bapak/Ibu {name}\n\n"
        "Bapak/Ibu diundang sebagai responden ahli pada {workshop}. Kuesioner ini berisi "
        "{count} pertanyaan tentang tata kelola pemerintahan provinsi dan memerlukan "
        "sekitar 15–20 menit. Bapak/Ibu dapat mengisinya sedikit demi sedikit di sela-sela "
        "sesi.\n\n"
        "Keikutsertaan bersifat sukarela. Data yang kami simpan: jawaban, kelompok (unsur) "
        "dan kategori Bapak/Ibu, serta waktu menjawab. Fasilitator melihat sejauh mana "
        "setiap peserta sudah mengisi; jawaban dilihat oleh tim peneliti dan fasilitator "
        "tanpa nama, dan hasilnya dilaporkan per kelompok, tidak pernah per orang.\n\n"
        "Bila Bapak/Ibu bersedia, silakan tekan “Bersedia” di bawah ini; bila tidak, tekan "
        "“Tidak bersedia”.",
        "Welcome, {name}\n\n"
        "You are invited as an expert respondent at {workshop}. This questionnaire has "
        "{count} questions on provincial governance and takes about 15–20 minutes. You can "
        "answer a few at a time between sessions.\n\n"
        "Taking part is voluntary. What we keep: your answers, your group (sector) and "
        "category, and when you answered. Facilitators see how far each participant has "
        "got; the research team and the facilitators see the answers without names, and "
        "results are reported by group, never by person.\n\n"
        "If you agree to take part, please press “I agree” below; if not, press "
        "“I prefer not to take part”.",
    ),
    "consent_workshop": (
        "Lokakarya Tata Kelola Pemerintahan {province}",
        "the {province} governance workshop",
    ),
    "btn_agree": ("✅ Bersedia", "✅ I agree"),
    "btn_decline": ("Tidak bersedia", "I prefer not to take part"),
    "consent_declined": (
        "Terima kasih atas jawaban Bapak/Ibu. Kami mencatat bahwa Bapak/Ibu tidak bersedia "
        "mengisi kuesioner ini, dan kami tidak akan mengirim pengingat. Bila Bapak/Ibu "
        "berubah pikiran, silakan ketik /start.",
        "Thank you for letting us know. We have noted that you prefer not to take part, "
        "and we will not send you reminders. If you change your mind, please type /start.",
    ),
    "btn_switch_language": ("🇬🇧 English", "🇮🇩 Bahasa Indonesia"),
    "consent_first": (
        "Sebelum mulai, mohon baca pernyataan di bawah ini, lalu tekan “Bersedia” atau "
        "“Tidak bersedia”.",
        "Before we begin, please read the statement below and press “I agree” or "
        "“I prefer not to take part”.",
    ),
    "consent_recorded": (
        "Terima kasih, persetujuan Bapak/Ibu telah kami catat.",
        "Thank you, we have recorded your consent.",
    ),
    "not_registered": (
        "Bapak/Ibu belum terdaftar. Silakan ketik kode undangan yang tercetak pada kartu "
        "undangan, atau pindai kode QR pada kartu tersebut.",
        "You are not registered yet. Please type the invitation code printed on your card, "
        "or scan the QR code on it.",
    ),
    # --- questions -----------------------------------------------------------------
    "header_section": (
        "Bagian {section}/{sections} · {title}",
        "Section {section}/{sections} · {title}",
    ),
    "current_answer": ("Jawaban saat ini: {answer}", "Current answer: {answer}"),
    "answered_marker": ("✅ Jawaban: {answer}", "✅ Answer: {answer}"),
    "scale_instruction": (
        "Beri nilai {low} ({low_label}) sampai {high} ({high_label}).",
        "Rate from {low} ({low_label}) to {high} ({high_label}).",
    ),
    "scale_low": ("sangat buruk", "very poor"),
    "scale_high": ("sangat baik", "very good"),
    "single_instruction": ("Silakan pilih satu jawaban.", "Please choose one answer."),
    "multiple_instruction": (
        "Silakan centang satu atau lebih, lalu tekan “Selesai”.",
        "Please tick one or more, then press “Done”.",
    ),
    "integer_instruction": (
        "Silakan ketik angkanya saja{bounds}.",
        "Please type the number only{bounds}.",
    ),
    "decimal_instruction": (
        "Silakan ketik angkanya{bounds}; boleh memakai koma, misalnya 7,5.",
        "Please type the number{bounds}; a decimal comma or point is fine, for example 7.5.",
    ),
    "bounds_between": (" ({low}–{high})", " ({low}–{high})"),
    "bounds_at_least": (" (minimal {low})", " (at least {low})"),
    "bounds_at_most": (" (maksimal {high})", " (at most {high})"),
    "text_instruction": (
        "Silakan ketik jawaban Bapak/Ibu (maksimal {max} karakter).",
        "Please type your answer (at most {max} characters).",
    ),
    "note_instruction": (
        "Silakan tekan “Lanjut” untuk meneruskan.",
        "Please press “Next” to continue.",
    ),
    "optional_marker": ("(boleh dilewati)", "(optional)"),
    "btn_dont_know": ("Tidak tahu", "Don't know"),
    "btn_back": ("◀ Kembali", "◀ Back"),
    "btn_skip": ("Lewati ▶", "Skip ▶"),
    "btn_default": ("Pakai: {value}", "Keep: {value}"),
    "btn_done": ("✔ Selesai", "✔ Done"),
    "btn_next": ("Lanjut ▶", "Next ▶"),
    "btn_resume": ("▶ Lanjutkan", "▶ Continue"),
    "value_dont_know": ("Tidak tahu", "Don't know"),
    "value_skipped": ("Dilewati", "Skipped"),
    "value_none": ("belum dijawab", "not answered"),
    # --- answer problems (engine codes) ----------------------------------------------
    "invalid_not_a_number": (
        "Mohon maaf, “{text}” belum dapat kami baca sebagai angka.",
        "Sorry, we could not read “{text}” as a number.",
    ),
    "invalid_not_an_integer": (
        "“{text}” bukan angka bulat; mohon ketik tanpa koma.",
        "“{text}” is not a whole number; please type it without decimals.",
    ),
    "invalid_below_min": ("Mohon ketik angka minimal {min}.", "Please type at least {min}."),
    "invalid_above_max": (
        "Mohon ketik angka maksimal {max}.",
        "Please type no more than {max}.",
    ),
    "invalid_too_long": (
        "Mohon maaf, jawaban ini terlalu panjang ({length} karakter; maksimal {max}). "
        "Silakan persingkat.",
        "Sorry, this answer is too long ({length} characters; at most {max}). Please shorten it.",
    ),
    "invalid_empty": (
        "Jawaban masih kosong. Silakan ketik jawaban Bapak/Ibu.",
        "The answer is empty. Please type your answer.",
    ),
    "invalid_unknown_choice": (
        "Pilihan tersebut tidak tersedia untuk pertanyaan ini.",
        "That choice is not offered for this question.",
    ),
    "invalid_empty_selection": (
        "Belum ada yang dicentang.",
        "Nothing is ticked yet.",
    ),
    "invalid_constraint_failed": (
        "Mohon maaf, jawaban ini tidak sesuai dengan ketentuan pertanyaan.",
        "Sorry, this answer does not fit the question's condition.",
    ),
    "invalid_required": (
        "Pertanyaan ini perlu dijawab dan tidak dapat dilewati.",
        "This question needs an answer and cannot be skipped.",
    ),
    "invalid_dont_know_not_allowed": (
        "Untuk pertanyaan ini pilihan “Tidak tahu” tidak tersedia.",
        "“Don't know” is not offered for this question.",
    ),
    "invalid_other": (
        "Mohon maaf, jawaban ini belum dapat kami terima.",
        "Sorry, we cannot accept this answer.",
    ),
    "edited_ignored": (
        "Pesan yang diubah tidak kami baca, dan jawaban Bapak/Ibu tetap seperti semula. "
        "Untuk mengubah jawaban, silakan gunakan /tinjau.",
        "We don't read edited messages, and your answers stay as they were. "
        "To change an answer, please use /review.",
    ),
    "unsupported_message": (
        "Mohon maaf, pesan suara, foto, dan stiker belum dapat kami proses. Silakan jawab "
        "melalui tombol pada pertanyaan berikut:",
        "Sorry, we cannot read voice messages, photos or stickers. Please answer with the "
        "buttons on the question below:",
    ),
    "stale_button": (
        "Tombol tersebut untuk pertanyaan yang lain. Pertanyaan itu kami tampilkan lagi di "
        "bawah ini.",
        "That button was for a different question; here it is again.",
    ),
    # --- typed answers we could not read (bot/questionnaire/phrasing.py) --------------
    # One re-ask naming the accepted forms; {also} is one of the reask_also_* sentences or "".
    "reask_scale": (
        "Mohon maaf, jawaban tersebut belum dapat kami pahami. Silakan tekan salah satu "
        "tombol, atau ketik angka {low} sampai {high}, misalnya “8”{also}.",
        "Sorry, we could not understand that answer. Please press one of the buttons, or "
        "type a number from {low} to {high}, for example “8”{also}.",
    ),
    "reask_integer": (
        "Mohon maaf, jawaban tersebut belum dapat kami pahami. Silakan ketik satu angka "
        "bulat{bounds}, misalnya “12” atau “12 tahun”{also}.",
        "Sorry, we could not understand that answer. Please type one whole number{bounds}, "
        "for example “12” or “12 years”{also}.",
    ),
    "reask_decimal": (
        "Mohon maaf, jawaban tersebut belum dapat kami pahami. Silakan ketik satu angka"
        "{bounds}, misalnya “7,5”{also}.",
        "Sorry, we could not understand that answer. Please type one number{bounds}, "
        "for example “7.5”{also}.",
    ),
    "reask_single": (
        "Mohon maaf, jawaban tersebut belum dapat kami pahami. Silakan tekan salah satu "
        "tombol, atau ketik salah satu pilihan: {choices}{also}.",
        "Sorry, we could not understand that answer. Please press one of the buttons, or "
        "type one of the choices: {choices}{also}.",
    ),
    "reask_multiple": (
        "Mohon maaf, jawaban tersebut belum dapat kami pahami. Silakan centang pilihan "
        "dengan tombol lalu tekan “Selesai”, atau ketik pilihannya dipisah koma: "
        "{choices}{also}.",
        "Sorry, we could not understand that answer. Please tick the choices with the "
        "buttons and press “Done”, or type them separated by commas: {choices}{also}.",
    ),
    "reask_note": (
        "Silakan tekan “Lanjut” pada pesan di bawah ini, atau ketik “lanjut”.",
        "Please press “Next” on the message below, or type “next”.",
    ),
    "reask_also_dont_know": (
        ". Bila Bapak/Ibu tidak dapat menilai, ketik “tidak tahu”",
        ". If you cannot judge, type “don't know”",
    ),
    "reask_also_skip": (
        ". Untuk melewatinya, ketik “lewati”",
        ". To leave it out, type “skip”",
    ),
    "reask_also_both": (
        ". Bila Bapak/Ibu tidak dapat menilai, ketik “tidak tahu”; untuk melewatinya, ketik "
        "“lewati”",
        ". If you cannot judge, type “don't know”; to leave it out, type “skip”",
    ),
    # --- completion and submission ---------------------------------------------------
    "all_answered": (
        "Terima kasih, Bapak/Ibu. Semua pertanyaan sudah terjawab.\n\n"
        "Silakan periksa jawaban dengan /tinjau, lalu kirim dengan /kirim. Setelah dikirim, "
        "jawaban tidak dapat diubah lagi.",
        "Thank you. Every question is answered.\n\n"
        "Please check your answers with /review, then submit them with /submit. Once "
        "submitted, answers can no longer be changed.",
    ),
    "btn_submit_now": ("📨 Kirim sekarang", "📨 Submit now"),
    "btn_review": ("📋 Tinjau", "📋 Review"),
    "submit_confirm": (
        "Kirim jawaban Bapak/Ibu sekarang? Setelah dikirim, jawaban tidak dapat diubah lagi.",
        "Submit your answers now? Once submitted, they can no longer be changed.",
    ),
    "btn_confirm_submit": ("✅ Ya, kirim", "✅ Yes, submit"),
    "btn_cancel": ("Batal", "Cancel"),
    "submit_cancelled": (
        "Baik, jawaban belum dikirim. Bapak/Ibu masih dapat mengubahnya.",
        "All right, nothing is submitted yet. You can still change your answers.",
    ),
    "submit_missing": (
        "Masih ada {count} pertanyaan wajib yang belum dijawab:\n{items}\n\n"
        "Silakan ketik /lanjut untuk mengisinya.",
        "{count} required questions are still unanswered:\n{items}\n\n"
        "Please type /resume to answer them.",
    ),
    "submitted": (
        "Terima kasih, Bapak/Ibu {name}, jawaban telah kami terima.",
        "Thank you, {name} — we have received your answers.",
    ),
    "already_submitted": (
        "Jawaban Bapak/Ibu sudah dikirim dan tidak dapat diubah lagi. Bila ada yang perlu "
        "diperbaiki, mohon hubungi fasilitator di ruangan.",
        "Your answers are already submitted and can no longer be changed. If something "
        "needs correcting, please speak to a facilitator in the room.",
    ),
    "workshop_closed": (
        "Lokakarya {workshop} sudah ditutup, sehingga jawaban tidak dapat kami terima "
        "lagi. Terima kasih atas perhatian Bapak/Ibu.",
        "The {workshop} workshop is closed, so we can no longer accept answers. "
        "Thank you for your time.",
    ),
    # --- progress, review, language, help ----------------------------------------------
    "progress_title": (
        "Kemajuan pengisian: {answered} dari {total} pertanyaan terjawab.",
        "Your progress: {answered} of {total} questions answered.",
    ),
    "progress_line": ("{mark} {title}: {answered}/{total}",) * 2,
    "progress_submitted": ("Status: sudah dikirim ✅", "Status: submitted ✅"),
    "progress_not_submitted": (
        "Status: belum dikirim. Silakan ketik /lanjut untuk meneruskan.",
        "Status: not submitted yet. Please type /resume to carry on.",
    ),
    "review_title": ("Jawaban Bapak/Ibu · {title}", "Your answers · {title}"),
    "review_line": ("{number}. {text}\n    → {answer}",) * 2,
    "review_pick": (
        "Tekan nomor pertanyaan untuk mengubah jawabannya.",
        "Press a question's number to change its answer.",
    ),
    "review_empty": (
        "Belum ada pertanyaan yang dijawab. Silakan ketik /lanjut untuk mulai.",
        "You have not answered any question yet. Please type /resume to begin.",
    ),
    "language_prompt": ("Pilih bahasa / Choose a language:",) * 2,
    "language_set": (
        "Baik, bahasa kami ubah ke Bahasa Indonesia.",
        "All right, we will continue in English.",
    ),
    "btn_lang_id": ("🇮🇩 Bahasa Indonesia",) * 2,
    "btn_lang_en": ("🇬🇧 English",) * 2,
    "help": (
        "Cara menjawab: tekan salah satu tombol di bawah pertanyaan. Untuk nilai, "
        "Bapak/Ibu juga dapat mengetik angkanya, atau “tidak tahu”.\n"
        "Mengubah jawaban: tekan “◀ Kembali”, atau ketik /tinjau lalu pilih nomor "
        "pertanyaannya.\n"
        "Setiap jawaban langsung tersimpan, jadi Bapak/Ibu dapat berhenti kapan saja dan "
        "melanjutkan nanti dengan /lanjut.\n\n"
        "{left}\n"
        "{ask}\n\n"
        "Perintah yang tersedia:\n"
        "/lanjut – tampilkan pertanyaan saat ini\n"
        "/progres – kemajuan pengisian per bagian\n"
        "/tinjau – lihat dan ubah jawaban\n"
        "/kirim – kirim jawaban\n"
        "/agenda – jadwal lokakarya hari ini\n"
        "/bahasa – ganti bahasa\n"
        "/bantuan – bantuan ini (atau ketik “bantuan”)",
        "How to answer: press one of the buttons under the question. For ratings you can "
        "also type the number, or “don't know”.\n"
        "Changing an answer: press “◀ Back”, or type /review and choose the question's "
        "number.\n"
        "Every answer is saved at once, so you can stop at any time and carry on later "
        "with /resume.\n\n"
        "{left}\n"
        "{ask}\n\n"
        "Available commands:\n"
        "/resume – show the current question\n"
        "/progress – your progress by section\n"
        "/review – see and change your answers\n"
        "/submit – submit your answers\n"
        "/agenda – today's workshop agenda\n"
        "/language – change the language\n"
        "/help – this help (or type “help”)",
    ),
    "help_left": (
        "Masih {left} dari {total} pertanyaan, sekitar {minutes} menit lagi.",
        "{left} of {total} questions to go, about {minutes} minutes.",
    ),
    "help_left_done": (
        "Semua pertanyaan sudah terjawab.",
        "Every question is answered.",
    ),
    "help_left_unregistered": (
        "Untuk memulai, silakan ketik kode undangan pada kartu, atau pindai kode QR-nya.",
        "To begin, please type the invitation code on your card, or scan its QR code.",
    ),
    "help_ask_facilitators": (
        "Perlu bantuan di ruangan? Silakan hubungi fasilitator: {names}.",
        "Need help in the room? Please ask the facilitator: {names}.",
    ),
    "help_ask_anyone": (
        "Perlu bantuan di ruangan? Silakan hubungi fasilitator atau panitia.",
        "Need help in the room? Please ask a facilitator or the organisers.",
    ),
    "btn_explain": ("ℹ️ Penjelasan pertanyaan ini", "ℹ️ About this question"),
    "explain": (
        "Penjelasan untuk pertanyaan {number}:\n{hint}",
        "About question {number}:\n{hint}",
    ),
    "explain_none": (
        "Pertanyaan ini tidak memiliki penjelasan tambahan. Bila ada istilah yang kurang "
        "jelas, silakan tanyakan kepada fasilitator di ruangan.",
        "This question has no further explanation. If a term is unclear, please ask the "
        "facilitator in the room.",
    ),
    "reminder_break_not_consented": (
        "☕ {session} telah dimulai. Bila Bapak/Ibu berkenan, kuesioner lokakarya "
        "menunggu persetujuan Bapak/Ibu: sekitar 15–20 menit, sukarela. Silakan tekan "
        "tombol di bawah untuk membaca keterangannya.",
        "☕ {session} has started. If you have a moment, the workshop questionnaire awaits "
        "your consent: about 15–20 minutes, voluntary. Please press the button below to "
        "read about it.",
    ),
    "reminder_break_not_started": (
        "☕ {session} telah dimulai. Bila Bapak/Ibu berkenan, ini waktu yang baik untuk "
        "mulai mengisi kuesioner ({total} pertanyaan, sekitar 15–20 menit).",
        "☕ {session} has started. If you have a moment, this is a good time to begin the "
        "questionnaire ({total} questions, about 15–20 minutes).",
    ),
    "reminder_last_call_not_consented": (
        "⏰ Penutupan dimulai pukul {time}. Bila Bapak/Ibu bersedia mengisi kuesioner "
        "lokakarya (sukarela, sekitar 15–20 menit), silakan tekan tombol di bawah sebelum "
        "waktu tersebut.",
        "⏰ The closing session starts at {time}. If you would like to take part in the "
        "workshop questionnaire (voluntary, about 15–20 minutes), please press the button "
        "below before then.",
    ),
    "reminder_last_call_not_started": (
        "⏰ Penutupan dimulai pukul {time}. Bila Bapak/Ibu berkenan, masih ada waktu untuk "
        "mengisi kuesioner ({total} pertanyaan) sebelum waktu tersebut.",
        "⏰ The closing session starts at {time}. If you have a moment, there is still time "
        "to answer the questionnaire ({total} questions) before then.",
    ),
    "btn_read_consent": ("📄 Baca keterangan", "📄 Read about it"),
    "btn_begin": ("▶ Mulai", "▶ Begin"),
    "unknown_command": (
        "Mohon maaf, perintah tersebut tidak kami kenal. Silakan ketik /bantuan untuk melihat "
        "perintah yang tersedia.",
        "Sorry, we do not know that command. Please type /help to see the available commands.",
    ),
    "error_generic": (
        "Mohon maaf, terjadi gangguan sementara. Jawaban Bapak/Ibu sebelumnya tetap "
        "tersimpan. Silakan coba beberapa saat lagi.",
        "Sorry, something went wrong for a moment. Your earlier answers are safe. "
        "Please try again in a little while.",
    ),
    "date_instruction": (
        "Silakan ketik tanggalnya, misalnya 17/08/2026 atau 17 Agustus 2026.",
        "Please type the date, for example 17/08/2026 or 17 August 2026.",
    ),
    "time_instruction": (
        "Silakan ketik jamnya, misalnya 14.30.",
        "Please type the time, for example 14:30.",
    ),
    "datetime_instruction": (
        "Silakan ketik tanggal dan jamnya, misalnya 17/08/2026 14.30.",
        "Please type the date and time, for example 17/08/2026 14:30.",
    ),
    "invalid_not_a_date": (
        "“{text}” tidak dapat kami baca sebagai tanggal.",
        "We could not read “{text}” as a date.",
    ),
    "invalid_not_a_time": (
        "“{text}” tidak dapat kami baca sebagai jam.",
        "We could not read “{text}” as a time.",
    ),
    "invalid_not_on_scale": (
        "Pilihan pada skala ini dari {min} sampai {max}, dengan langkah {step}.",
        "This scale goes from {min} to {max} in steps of {step}.",
    ),
}
