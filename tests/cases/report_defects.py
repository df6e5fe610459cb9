#!/usr/bin/env python3
"""The bar of issue 21's report defects, run on written case directories (the demo's and the
statement case's, as tests/cases/compare_case_dirs.sh writes them):

    python3 tests/cases/report_defects.py CASE_DIR [CASE_DIR...]

Checks, in report.html, the trails' charts and every CSV of the case: no template placeholder
reaches the text ("{senders_sharing_contact}", "? of whom"); no generation time ends in "ZZ"; no
"within N hours" over 72 hours (to be said in days, as "within 2208 hours" was); no amount with its currency printed
ungrouped ("USD 139889.24"); no exit kind printed as a code ("external_exit"); the configuration
table repeats no row; every printed page is numbered "Page N of M"; and no CSV cell is a live
formula (a text cell starting with =, +, -, @, TAB or CR is written with a leading "'"; a signed
number is not text). Prints one line per defect found and per case, and exits 1 if any."""
import csv
import html as html_lib
import collections
import os
import re
import sys


def text_of(html):
    html = re.sub(r"<style[^>]*>.*?</style>", " ", html, flags=re.S)
    html = re.sub(r"<script[^>]*>.*?</script>", " ", html, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", html))


NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$")


def check_case(case):
    defects = []
    path = os.path.join(case, "report.html")
    page = open(path, encoding="utf-8").read()
    text = text_of(page)
    for m in re.finditer(r"\{[a-z_][a-z_.]*\}", text):
        defects.append(f"report.html: template placeholder {m.group(0)}")
    if "? of whom" in text:
        defects.append("report.html: '? of whom' (an unfilled count)")
    for m in re.finditer(r"\d{2}:\d{2}(:\d{2})?ZZ", text):
        defects.append(f"report.html: generation time '{m.group(0)}'")
    for m in re.finditer(r"within (\d+) hours", text):
        if int(m.group(1)) > 72:
            defects.append(f"report.html: '{m.group(0)}' (say it in days)")
    for m in re.finditer(r"\b[A-Z]{3} -?\d{4,}\.\d{2}\b", text):
        defects.append(f"report.html: ungrouped amount '{m.group(0)}'")
    for code in ("external_exit", "cash_withdrawal", "left_bank", "converted"):
        if re.search(r"\b" + code + r"\b", text):
            defects.append(f"report.html: exit kind printed as a code '{code}'")
    # Every cited transaction (a link to #tx-N) has exactly one row in the evidence index, and
    # the index holds nothing that is not cited (issue 21: every figure traceable to its line).
    cited = set(re.findall(r'href="#tx-(\d+)"', page))
    rows = re.findall(r'<tr id="tx-(\d+)"', page)
    for tx in sorted(cited - set(rows), key=int):
        defects.append(f"report.html: transaction {tx} is cited but not in the evidence index")
    counts = collections.Counter(rows)
    for tx in sorted((r for r, n in counts.items() if n > 1), key=int):
        defects.append(f"report.html: transaction {tx} is in the evidence index more than once")
    for tx in sorted(set(rows) - cited, key=int):
        defects.append(f"report.html: evidence index row {tx} is cited nowhere")
    if 'counter(page) " of " counter(pages)' not in page:
        defects.append("report.html: pages are not numbered 'Page N of M'")
    config = re.search(r'<table class="config">(.*?)</table>', page, flags=re.S)
    if config:
        rows = re.findall(r"<tr><td>(.*?)</td><td[^>]*>(.*?)</td></tr>", config.group(1), flags=re.S)
        seen = set()
        for r in rows:
            if r in seen:
                defects.append(f"report.html: configuration row repeated: {r[0]}")
            seen.add(r)
    else:
        defects.append("report.html: no configuration table")
    charts = 0
    for root, _, files in os.walk(os.path.join(case, "trails")):
        for f in files:
            if f.endswith(".svg"):
                charts += 1
                svg = text_of(open(os.path.join(root, f), encoding="utf-8").read())
                for m in re.finditer(r"\b[A-Z]{3} -?\d{4,}\.\d{2}\b", svg):
                    defects.append(f"{os.path.relpath(os.path.join(root, f), case)}: ungrouped amount '{m.group(0)}'")
    cells = 0
    for root, _, files in os.walk(case):
        for f in files:
            if not f.endswith(".csv"):
                continue
            p = os.path.join(root, f)
            with open(p, encoding="utf-8", newline="") as fh:
                for line, row in enumerate(csv.reader(fh), 1):
                    for cell in row:
                        cells += 1
                        if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.match(cell):
                            defects.append(f"{os.path.relpath(p, case)}: line {line}: live formula cell {cell[:40]!r}")
    return defects, charts, cells


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    status = 0
    for case in sys.argv[1:]:
        defects, charts, cells = check_case(case)
        for d in defects:
            print(f"{case}: {d}")
        print(f"{case}: {len(defects)} defects (report.html, {charts} charts, {cells} CSV cells checked)")
        status |= 1 if defects else 0
    return status


if __name__ == "__main__":
    sys.exit(main())
