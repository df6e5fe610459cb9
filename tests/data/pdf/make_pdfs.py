#!/usr/bin/env python3
"""Makes the PDF statements of tests/data/pdf (docs/format/pdf.md), reproducibly:

  statement.csv / statement.html / statement.pdf
      a 3-page credit-union statement (seeded rows), the same statement as the bank's CSV
      download and as HTML printed to PDF by Debian's Chromium (the way moneytrail's report is
      printed): a banner, a table whose header Chromium repeats on every page, a page banner and
      "Page N of M" in the page margins, descriptions that wrap onto a second printed line.
  simple.pdf    written by hand: a standard font (Courier) with /Encoding /Differences and
                /Widths, text placed with Tm Td TD T* ' TJ (kerning) Tc Tz, a form XObject.
  scanned.pdf   one page that is only an image (a scan): refused.
  nounicode.pdf a Type0 (Identity-H) font without ToUnicode: its text cannot be read, refused.
  lakeshore.pdf / lakeshore.toml / lakeshore-truth.csv
      a statement template's first layout (docs/format/pdf.md, "Statement templates"): columns
      that touch (no padding: the date runs into the description, withdrawals and deposits
      left-aligned), descriptions that wrap under themselves, a "BALANCE FORWARD" line giving the
      opening balance, two pages with the header repeated. The truth: each row as printed.
  harbor.pdf / harbor.toml / harbor-truth.csv
      the second layout: every row printed on two lines, the amount and the balance on the
      second, beside the description's reference; "Balance brought forward" first.

Usage: python3 tests/data/pdf/make_pdfs.py [--no-chromium]   (run from anywhere)
       python3 tests/data/pdf/make_pdfs.py --templates   (only the template layouts)
       python3 tests/data/pdf/make_pdfs.py --bench DIR ROWS
           the same statement with ROWS rows (2000: 50 pages) printed to DIR/statement-bench.pdf,
           for bench/formats_benchmark.cc (not committed)
"""
import os
import random
import subprocess
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- the statement, as CSV and as HTML -------------------------------------------------------

def money(cents, parens):
    s = "${:,}.{:02d}".format(abs(cents) // 100, abs(cents) % 100)
    return "(" + s + ")" if cents < 0 and parens else s


def statement_rows(count=70):
    rng = random.Random(24)
    payees = ["POS PURCHASE KROGER 0421 INDIANAPOLIS IN", "ATM WITHDRAWAL 1200 W 38TH ST",
              "ACH WITHDRAWAL DUKE ENERGY PAYMENT", "ZELLE TO ANNA CARTER", "CHECK 2211",
              "POS PURCHASE TARGET 1187 CARMEL IN", "ACH WITHDRAWAL STATE FARM INS PREM"]
    long_ones = ["WIRE TRANSFER FROM TRANSPORTES DEL NORTE SA DE CV REF 20250314-88123 "
                 "INVOICE 4471 FREIGHT SERVICES",
                 "MONEY TRANSMITTER SEND RAPID ENVIOS AGENT 7781 HOUSTON TX RECEIVER "
                 "CONFIRMATION 55120934"]
    rows, balance, day = [], 341280, 1
    for i in range(count):
        day = min(31, 1 + i * 30 // count)
        if i % 9 == 0:
            desc, cents = "ACH DEPOSIT PAYROLL ST VINCENT HOSPITAL", 231540
        elif i % 70 in (23, 47):
            desc, cents = long_ones[(i % 70) // 40], rng.randint(90000, 480000)
        else:
            desc, cents = rng.choice(payees), -rng.randint(500, 25000)
        balance += cents
        rows.append(("03/%02d/2025" % day, desc, cents, balance))
    return rows


BANNER = ["Summit Ridge Federal Credit Union", "Account Holder: EMILY J CARTER",
          "Account Number: XXXXXX5518", "Statement Period: 03/01/2025 to 03/31/2025"]


def write_statement(directory=HERE, count=70, stem="statement"):
    rows = statement_rows(count)
    opening, closing = 341280, rows[-1][3]
    banner = BANNER + ["Beginning Balance: " + money(opening, False),
                       "Ending Balance: " + money(closing, False)]
    with open(os.path.join(directory, stem + ".csv"), "w", newline="") as f:
        for line in banner:
            f.write('"%s"\n' % line)
        f.write("\n")
        f.write('"Date","Description","Amount","Balance"\n')
        for d, desc, cents, bal in rows:
            f.write('"%s","%s","%s","%s"\n' % (d, desc, money(cents, True), money(bal, True)))
    body = "".join(
        '<tr><td>%s</td><td>%s</td><td class="n">%s</td><td class="n">%s</td></tr>\n'
        % (d, desc, money(cents, True), money(bal, True)) for d, desc, cents, bal in rows)
    html = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>statement</title><style>
@page { size: letter; margin: 0.9in 0.6in;
  @top-left { content: "SUMMIT RIDGE FCU - ACCT ENDING 5518"; font: 8pt "DejaVu Sans"; }
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 8pt "DejaVu Sans"; } }
body { font: 10pt "DejaVu Sans"; margin: 0; }
p { margin: 0 0 3pt 0; }
table { border-collapse: collapse; margin-top: 12pt; }
th, td { padding: 2pt 10pt; text-align: left; vertical-align: top; }
th.n, td.n { text-align: right; }
col.date { width: 1.0in; } col.desc { width: 3.3in; } col.amt { width: 1.2in; } col.bal { width: 1.2in; }
tr { break-inside: avoid; }
</style></head><body>
%s
<table><colgroup><col class="date"><col class="desc"><col class="amt"><col class="bal"></colgroup>
<thead><tr><th>Date</th><th>Description</th><th class="n">Amount</th><th class="n">Balance</th></tr></thead>
<tbody>
%s</tbody></table>
</body></html>
""" % ("".join("<p>%s</p>\n" % line for line in banner), body)
    path = os.path.join(directory, stem + ".html")
    with open(path, "w") as f:
        f.write(html)
    return path


def print_with_chromium(html):
    out = html[:-len(".html")] + ".pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", "--print-to-pdf=" + out, "file://" + html],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# ---- hand-written PDFs -----------------------------------------------------------------------

def write_pdf(path, objects, compress=()):
    """objects: list of bytes (object bodies, 1-based numbering); a stream body is
    (dict_bytes, data_bytes). Writes a classic xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i
        if isinstance(body, tuple):
            d, data = body
            if i in compress:
                data = zlib.compress(data, 9)
                d = d + b" /Filter /FlateDecode"
            out += b"<< " + d + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
        else:
            out += body
        out += b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    with open(path, "wb") as f:
        f.write(out)


def write_simple():
    # Codes 1-4 print D a t e through /Differences; 0x80 is /Euro (WinAnsi base).
    content = b"""BT
/F1 12 Tf
72 740 Td
(FIRST COAST BANK) Tj
14 TL
T*
(Account Number: 000987654321) Tj
(Statement Period: 03/01/2025 - 03/31/2025) '
ET
BT
/F1 10 Tf
1 0 0 1 72 680 Tm
<01020304> Tj
1 0 0 1 160 680 Tm
(Description) Tj
1 0 0 1 400 680 Tm
(Amount) Tj
1 0 0 1 480 680 Tm
(Balance) Tj
1 0 0 1 72 666 Tm
(03/03/2025) Tj
88 0 Td
[(WIRE TO ) -20 (ACME) 40 ( LTD)] TJ
240 0 Td
(-250.00) Tj
80 0 Td
(750.00) Tj
-408 -14 TD
(03/04/2025) Tj
88 0 Td
0.5 Tc
(CASH DEPOSIT) Tj
0 Tc
240 0 Td
90 Tz
(9,900.00) Tj
100 Tz
80 0 Td
(10,650.00) Tj
ET
q 1 0 0 1 72 638 cm /X1 Do Q
BT /F1 10 Tf 1 0 0 1 72 600 Tm (Fee in \\200: 1.50) Tj ET
"""
    form = b"""BT /F1 10 Tf 1 0 0 1 0 0 Tm (03/05/2025) Tj 1 0 0 1 88 0 Tm (CHECK 1042) Tj
1 0 0 1 328 0 Tm (-50.25) Tj 1 0 0 1 408 0 Tm (10,599.75) Tj ET"""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> >>",
        (b"", content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /FirstChar 0 /LastChar 255 "
        b"/Widths [" + b" ".join([b"600"] * 256) + b"] "
        b"/Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [1 /D /a /t /e] >> >>",
        (b"/Type /XObject /Subtype /Form /BBox [0 0 600 20] /Resources << /Font << /F1 5 0 R >> >>",
         form),
    ]
    write_pdf(os.path.join(HERE, "simple.pdf"), objects, compress={4})


def write_scanned():
    pixels = bytes([200, 200, 200] * 4)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
        (b"", b"q 612 0 0 792 0 0 cm /Im1 Do Q"),
        (b"/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceRGB "
         b"/BitsPerComponent 8", pixels),
    ]
    write_pdf(os.path.join(HERE, "scanned.pdf"), objects)


def write_nounicode():
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F7 5 0 R >> >> >>",
        (b"", b"BT /F7 10 Tf 72 700 Td <00240025> Tj ET"),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Arial /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+Arial "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 600 >>",
    ]
    write_pdf(os.path.join(HERE, "nounicode.pdf"), objects)


# ---- statement templates: layouts the gap rule cannot split ---------------------------------

def plain(cents):
    return "{:,}.{:02d}".format(abs(cents) // 100, abs(cents) % 100)


def template_rows(seed, count, opening):
    rng = random.Random(seed)
    short = ["POS PURCHASE KROGER 0421", "ATM WITHDRAWAL 1200 W 38TH ST", "CHECK 2211",
             "ACH DUKE ENERGY PAYMENT", "ZELLE TO ANNA CARTER", "CASH DEPOSIT BRANCH 12"]
    long_ones = ["WIRE TRANSFER FROM TRANSPORTES DEL NORTE SA DE CV REF 20250314-88123 INVOICE 4471",
                 "MONEY TRANSMITTER SEND RAPID ENVIOS AGENT 7781 HOUSTON TX RECEIVER CONFIRMATION 55120934",
                 "ACH CREDIT PAYROLL ST VINCENT HOSPITAL INDIANAPOLIS IN EMPLOYEE 4471 NET PAY"]
    rows, balance = [], opening
    for i in range(count):
        day = 1 + i * 28 // count
        if i % 7 == 3:
            desc, cents = long_ones[i % 3], rng.randint(50000, 480000)
        else:
            desc = rng.choice(short)
            cents = rng.randint(2000, 90000) if desc.startswith("CASH") else -rng.randint(500, 25000)
        balance += cents
        rows.append(("03/%02d/2025" % day, desc, cents, balance))
    return rows


def write_truth(path, opening, rows):
    with open(path, "w", newline="") as f:
        f.write("opening,%d\n" % opening)
        for d, desc, cents, bal in rows:
            f.write("%s,%s,%d,%d\n" % (d, desc, cents, bal))


PAGE_CSS = """@page { size: letter; margin: 0.7in 0.6in;
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 8pt "DejaVu Sans"; } }
body { font: 9pt "DejaVu Sans"; margin: 0; } p { margin: 0 0 2pt 0; }
table { border-collapse: collapse; margin-top: 10pt; } tr { break-inside: avoid; }"""


def write_lakeshore(directory=HERE):
    # Columns that touch: no cell padding, a date column as wide as its date, withdrawals and
    # deposits left-aligned right after the description's column.
    opening = 120433
    rows = template_rows(31, 64, opening)
    write_truth(os.path.join(directory, "lakeshore-truth.csv"), opening, rows)
    body = ['<tr><td></td><td>BALANCE FORWARD</td><td></td><td></td><td>%s</td></tr>' % plain(opening)]
    for d, desc, cents, bal in rows:
        body.append("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>" % (
            d, desc, plain(cents) if cents < 0 else "", plain(cents) if cents > 0 else "", plain(bal)))
    html = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>lakeshore</title><style>
%s
th, td { padding: 0; text-align: left; vertical-align: top; }
col.d { width: 0.74in; } col.t { width: 3.1in; } col.w { width: 0.9in; } col.c { width: 0.9in; } col.b { width: 0.9in; }
</style></head><body>
<p>LAKESHORE NATIONAL BANK</p><p>Customer: MARTA L REYES</p><p>Account: 7730-2291</p>
<p>Statement Period: 03/01/2025 to 03/31/2025</p>
<table><colgroup><col class="d"><col class="t"><col class="w"><col class="c"><col class="b"></colgroup>
<thead><tr><th>Date</th><th>Description</th><th>Withdrawals</th><th>Deposits</th><th>Balance</th></tr></thead>
<tbody>
%s
</tbody></table></body></html>
""" % (PAGE_CSS, "\n".join(body))
    path = os.path.join(directory, "lakeshore.html")
    with open(path, "w") as f:
        f.write(html)
    return path


def write_harbor(directory=HERE):
    # Two printed lines a row: the date and the payee, then the reference with the amount and
    # the balance beside it.
    opening = 88012
    rows = template_rows(47, 34, opening)
    write_truth(os.path.join(directory, "harbor-truth.csv"), opening, rows)
    body = ['<tr><td></td><td>Balance brought forward</td><td></td><td>%s</td></tr>' % plain(opening)]
    for i, (d, desc, cents, bal) in enumerate(rows):
        words = desc.split(" ")
        half = max(1, len(words) // 2)
        body.append('<tr><td>%s</td><td>%s<br>%s</td><td class="n"><br>%s</td><td class="n"><br>%s</td></tr>' % (
            d, " ".join(words[:half]), " ".join(words[half:]), ("-" if cents < 0 else "") + plain(cents), plain(bal)))
    html = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>harbor</title><style>
%s
th, td { padding: 1pt 4pt; text-align: left; vertical-align: top; } .n { text-align: right; }
col.d { width: 0.9in; } col.t { width: 3.6in; } col.a { width: 1.1in; } col.b { width: 1.1in; }
</style></head><body>
<p>HARBOR TRUST COMPANY</p><p>Account holder: JOSE A LUNA</p><p>Account no. 0044-551-90</p>
<p>From 03/01/2025 through 03/31/2025</p>
<table><colgroup><col class="d"><col class="t"><col class="a"><col class="b"></colgroup>
<thead><tr><th>Posted</th><th>Transaction</th><th class="n">Amount</th><th class="n">Balance</th></tr></thead>
<tbody>
%s
</tbody></table></body></html>
""" % (PAGE_CSS, "\n".join(body))
    path = os.path.join(directory, "harbor.html")
    with open(path, "w") as f:
        f.write(html)
    return path


def main():
    if "--templates" in sys.argv:
        for html in (write_lakeshore(), write_harbor()):
            print_with_chromium(html)
            os.remove(html)
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--bench":
        print_with_chromium(write_statement(sys.argv[2], int(sys.argv[3]), "statement-bench"))
        return
    write_simple()
    write_scanned()
    write_nounicode()
    html = write_statement()
    if "--no-chromium" not in sys.argv:
        print_with_chromium(html)


if __name__ == "__main__":
    main()
