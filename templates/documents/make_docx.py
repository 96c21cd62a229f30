"""Write the default DOCX templates of the letters (docxtpl) into a folder:

    .venv/bin/python templates/documents/make_docx.py templates/documents

The office may instead edit the .docx files in Word, keeping their {{ ... }} fields (the same
as the .html templates'); DOCUMENT_TEMPLATES may point at a folder of its own copies.
"""

import sys

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

INVITATION = (
    "Menindaklanjuti surat {{ agency }} Nomor {{ letter_number }} tanggal {{ letter_date }} "
    "perihal {{ subject }}, dengan hormat kami mengundang Bapak/Ibu atau pejabat yang ditunjuk "
    "untuk menghadiri rapat teknis yang akan dilaksanakan pada:")
REJECTION = (
    "Menanggapi surat {{ agency }} Nomor {{ letter_number }} tanggal {{ letter_date }} perihal "
    "{{ subject }}, yaitu permohonan {{ request_kind }}{% if application %} {{ application }}"
    "{% endif %}, dengan hormat kami sampaikan bahwa setelah dilakukan analisis dan rapat "
    "teknis, permohonan tersebut belum dapat kami setujui dengan alasan sebagai berikut:")
CLOSING = "Atas perhatian dan kerja samanya diucapkan terima kasih."
CHECK = ("Pindai kode QR untuk memeriksa keaslian dokumen ini pada:",
         "{{ verification_url }}", "Sidik SHA-256: {{ fingerprint }}")


def run(paragraph, text, size=None, bold=False, underline=False):
    part = paragraph.add_run(text)
    part.bold, part.underline = bold, underline
    if size:
        part.font.size = Pt(size)
    return part


def line(document, text="", align=None, indent=None, size=None, bold=False, underline=False):
    paragraph = document.add_paragraph()
    run(paragraph, text, size, bold, underline)
    if align is not None:
        paragraph.alignment = align
    if indent is not None:
        paragraph.paragraph_format.left_indent = indent
    return paragraph


def widths(table, *millimetres):
    """Fixed column widths, as Word and LibreOffice both read them."""
    table.autofit = False
    for column, width in zip(table.columns, millimetres, strict=True):
        column.width = Mm(width)  # the grid, which LibreOffice reads
        for cell in column.cells:
            cell.width = Mm(width)  # each cell's, which Word reads
    return table


def facts(document, rows, label=32, value=133):
    """Label, then ": value", in a borderless table whose labels take a narrow column."""
    table = document.add_table(rows=len(rows), cols=2)
    for row, (name, text) in zip(table.rows, rows, strict=True):
        row.cells[0].text, row.cells[1].text = name, f": {text}"
    return widths(table, label, value)


def rule(paragraph):
    """A line under the paragraph across the page: the kop's closing rule."""
    borders, bottom = OxmlElement("w:pBdr"), OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def kop() -> Document:
    """An A4 page with the office's heading."""
    document = Document()
    page = document.sections[0]
    page.page_height, page.page_width = Mm(297), Mm(210)
    page.top_margin = page.bottom_margin = page.right_margin = Mm(20)
    page.left_margin = Mm(25)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(11.5)
    normal.paragraph_format.space_after = Pt(2)
    center = WD_ALIGN_PARAGRAPH.CENTER
    line(document, "PEMERINTAH KOTA PONTIANAK", center, size=13, bold=True)
    line(document, "DINAS KOMUNIKASI DAN INFORMATIKA", center, size=15, bold=True)
    rule(line(document, "{{ office_address }}", center, size=9.5))
    line(document)
    return document


def heading(document):
    """Number, sifat, lampiran, hal; place and date; the addressees."""
    table = document.add_table(rows=4, cols=3)
    for row, (name, text) in zip(table.rows, (
            ("Nomor", "{{ number }}"), ("Sifat", "{{ nature }}"),
            ("Lampiran", "{{ attachment }}"), ("Hal", "{{ about }}")), strict=True):
        row.cells[0].text, row.cells[1].text = name, f": {text}"
    table.rows[0].cells[2].text = "Pontianak, {{ date }}"
    table.rows[0].cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    widths(table, 25, 78, 62)
    for text in ("", "Yth.", "{%p for name in addressees %}", "Kepala {{ name }}",
                 "{%p endfor %}", "di Pontianak", ""):
        line(document, text)


def body(document, text):
    line(document, text, WD_ALIGN_PARAGRAPH.JUSTIFY)


def signature(document, above=("{{ signer_position }},",)):
    """The signature block, then the QR code and what it links to."""
    right = Mm(90)
    for text in ("", *above, "", "", ""):
        line(document, text, indent=right)
    line(document, "{{ signer_name }}", indent=right, bold=True, underline=True)
    line(document, "{{ signer_rank }}", indent=right)
    line(document, "NIP. {{ signer_nip }}", indent=right)
    line(document)
    check = widths(document.add_table(rows=1, cols=2), 30, 135)
    check.rows[0].cells[0].text = "{{ qr }}"
    caption = check.rows[0].cells[1].paragraphs[0]
    for n, text in enumerate(CHECK):
        run(caption, text, size=7.5)
        if n < len(CHECK) - 1:
            caption.add_run().add_break()


def invitation(folder):
    document = kop()
    heading(document)
    body(document, INVITATION)
    facts(document, (("hari, tanggal", "{{ weekday }}, {{ start_date }}"),
                     ("pukul", "{{ start_time }} s.d. selesai"), ("tempat", "{{ place }}"),
                     ("acara", "{{ agenda }}")))
    body(document, "{% if staff %}Rapat dihadiri oleh Diskominfo Kota Pontianak: "
                   "{{ staff|join('; ') }}.{% endif %}")
    body(document, "Mengingat pentingnya acara tersebut, kami mohon kehadiran Bapak/Ibu tepat "
                   f"pada waktunya. {CLOSING}")
    signature(document)
    document.save(f"{folder}/meeting_invitation.docx")


def rejection(folder):
    document = kop()
    heading(document)
    body(document, REJECTION)
    body(document, "{{ reason }}")
    body(document, f"Demikian kami sampaikan. {CLOSING}")
    signature(document)
    document.save(f"{folder}/rejection_letter.docx")


def minutes(folder):
    document = kop()
    center = WD_ALIGN_PARAGRAPH.CENTER
    line(document, "{{ title }}", center, bold=True, underline=True)
    line(document, "{{ subject }}", center)
    facts(document, (("Hari, tanggal", "{{ weekday }}, {{ start_date }}"),
                     ("Pukul", "{{ start_time }}"), ("Tempat", "{{ place }}"),
                     ("Acara", "{{ agenda }}"),
                     ("Pemohon", "{{ agency }} (surat Nomor {{ letter_number }} tanggal "
                                 "{{ letter_date }})"),
                     ("Peserta", "{{ (staff + agencies)|join('; ') }}")))
    line(document)
    line(document, "Hasil rapat:", bold=True)
    line(document, "{%p for paragraph in minutes.split('\\n') if paragraph.strip() %}")
    body(document, "{{ paragraph }}")
    line(document, "{%p endfor %}")
    line(document, "{%p if recommendation %}")
    line(document, "Rekomendasi:", bold=True)
    body(document, "{{ recommendation }}")
    line(document, "{%p endif %}")
    signature(document, ("Pontianak, {{ date }}", "Pimpinan rapat,", "{{ signer_position }},"))
    document.save(f"{folder}/minutes.docx")


if __name__ == "__main__":
    for write in (invitation, rejection, minutes):
        write(sys.argv[1])
