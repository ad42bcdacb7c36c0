"""Reading a PDF back as the researcher sees it: rendered pages and their text layer."""

from __future__ import annotations

import pypdfium2 as pdfium


def page_texts(data: bytes) -> list[str]:
    """Each page rendered (so it can be drawn at all) and its text layer."""
    document = pdfium.PdfDocument(data)
    texts = []
    for page in document:
        bitmap = page.render(scale=0.5).to_pil()
        assert bitmap.width > 0 and bitmap.getextrema() != ((255, 255),) * 3, "a blank page"
        texts.append(page.get_textpage().get_text_range().replace("\r\n", "\n"))
    return texts
