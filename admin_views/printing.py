"""Issued documents on paper: their QR code, the PDF made here and the editable DOCX.

Both are written from templates in DOCUMENT_TEMPLATES (`<kind>.html` for the PDF,
`<kind>.docx` for the DOCX, a docxtpl template), which the system administrator may replace.
Nothing is fetched from elsewhere: the fonts are the server's, the QR code is drawn here.
"""

from io import BytesIO

import segno
from babel.dates import format_date
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from flask import current_app, request, url_for
from jinja2 import FileSystemLoader
from weasyprint import HTML

from models.documents import IssuedDocument, Paper

#: Naskah dinas are written in Indonesian, whatever the screen's language.
PAPER_LOCALE = "id"
#: Document titles as the papers and the verification page print them.
TITLES = {"disposition_sheet": "LEMBAR DISPOSISI", "meeting_invitation": "SURAT UNDANGAN",
          "rejection_letter": "SURAT", "minutes": "NOTULEN RAPAT TEKNIS"}


def verification_url(document: IssuedDocument) -> str:
    """The full link the QR code carries: PUBLIC_BASE_URL, else the address of this
    request."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/") or request.host_url.rstrip("/")
    return base + url_for("verification.show", code=document.code)


def qr(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def qr_data_uri(url: str) -> str:
    """The QR code as an inline SVG image (no file, no external call)."""
    return qr(url).svg_data_uri(scale=3, border=2)


def day(value) -> str:
    return "" if value is None else format_date(value, "d MMMM y", locale=PAPER_LOCALE)


def weekday(value) -> str:
    return format_date(value, "EEEE", locale=PAPER_LOCALE)


def formatted_nip(nip: str | None) -> str:
    """18 digits as civil servant numbers are printed: birth date, appointment, sex, number."""
    if not nip:
        return ""
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def context(paper: Paper, document: IssuedDocument) -> dict:
    """What the templates print, as text: the same for the PDF and the DOCX."""
    values, signature = paper.values, paper.signature
    start = values.get("start")
    return values | {
        "office_address": current_app.config["OFFICE_ADDRESS"],
        "title": TITLES.get(paper.kind.value, ""), "number": paper.number or "",
        "date": day(paper.day), "letter_date": day(values.get("letter_date")),
        "weekday": weekday(start) if start else "", "start_date": day(start),
        "start_time": start.strftime("%H.%M") + " WIB" if start else "",
        "signer_name": signature.name if signature else "",
        "signer_position": signature.position if signature else "",
        "signer_nip": formatted_nip(signature.nip if signature else None),
        "signer_rank": (signature.rank or "") if signature else "",
        "verification_url": verification_url(document), "fingerprint": document.fingerprint,
        "code": document.code,
    }


def _templates() -> str:
    return current_app.config["DOCUMENT_TEMPLATES"]


def pdf(paper: Paper, document: IssuedDocument) -> bytes:
    """The paper as a PDF, made on this server."""
    env = current_app.jinja_env.overlay(loader=FileSystemLoader(_templates()))
    values = context(paper, document)
    html = env.get_template(f"{paper.kind.value}.html").render(
        **values, qr=qr_data_uri(values["verification_url"]))
    return HTML(string=html, base_url=_templates()).write_pdf()


def docx(paper: Paper, document: IssuedDocument) -> bytes:
    """The paper as an editable DOCX from its template."""
    template = DocxTemplate(f"{_templates()}/{paper.kind.value}.docx")
    values = context(paper, document)
    image = BytesIO()
    qr(values["verification_url"]).save(image, kind="png", scale=4, border=2)
    image.seek(0)
    template.render(values | {"qr": InlineImage(template, image, width=Mm(25))},
                    autoescape=True)
    out = BytesIO()
    template.save(out)
    return out.getvalue()
