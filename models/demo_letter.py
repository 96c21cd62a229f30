"""A one-page PDF that reads like a request letter: what the demo attaches as the scan, so the
letter's page shows a letter (a real scan is a picture of one)."""

import textwrap

#: A4 in points, the margin, and the text's lines.
WIDTH, HEIGHT, MARGIN, LEADING = 595, 842, 72, 16


def _text(line: str) -> str:
    """A line as a PDF string: its brackets and backslashes escaped, Latin-1 only."""
    line = line.encode("latin-1", "replace").decode("latin-1")
    return "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def letter_pdf(heading: list[str], body: list[str]) -> bytes:
    """A valid one-page PDF: the `heading` lines centred in bold (the kop surat), a rule, then
    the `body` paragraphs wrapped to the page."""
    ops, y = [], HEIGHT - MARGIN
    for line in heading:
        x = (WIDTH - len(line) * 6.6) / 2
        ops.append(f"BT /F2 12 Tf {max(x, MARGIN):.0f} {y} Td {_text(line)} Tj ET")
        y -= LEADING
    ops.append(f"{MARGIN} {y + 6} m {WIDTH - MARGIN} {y + 6} l S")
    y -= LEADING
    for paragraph in body:
        for line in textwrap.wrap(paragraph, 80) or [""]:
            ops.append(f"BT /F1 11 Tf {MARGIN} {y} Td {_text(line)} Tj ET")
            y -= LEADING
        y -= LEADING / 2
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH} {HEIGHT}] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
        b"/Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body_bytes in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body_bytes + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)
