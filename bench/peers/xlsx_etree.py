#!/usr/bin/python3
"""Peer for bench/formats_benchmark.cc's BM_ReadXlsx: a small reader written for this comparison
with Python's standard library only (no openpyxl: not a Debian package here), NOT a published
XLSX library. zipfile inflates the shared strings and the first worksheet; xml.etree iterparse
(elements cleared as read) turns each row into a CSV line the way ReadXlsxAsCsv does: shared
strings looked up, numbers kept as the cell's text, date-formatted cells NOT converted (it does
less than ReadXlsxAsCsv). Prints rows, CPU seconds, rows/s."""
import sys
import time
import zipfile
import xml.etree.ElementTree as ET

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def main(path):
    start = time.process_time()
    with zipfile.ZipFile(path) as z:
        strings = []
        if "xl/sharedStrings.xml" in z.namelist():
            with z.open("xl/sharedStrings.xml") as f:
                for _, el in ET.iterparse(f, events=("end",)):
                    if el.tag == NS + "si":
                        strings.append("".join(t.text or "" for t in el.iter(NS + "t")))
                        el.clear()
        rows = 0
        out = []
        with z.open("xl/worksheets/sheet1.xml") as f:
            for _, el in ET.iterparse(f, events=("end",)):
                if el.tag != NS + "row":
                    continue
                cells = []
                for c in el.iter(NS + "c"):
                    v = c.find(NS + "v")
                    text = "" if v is None else v.text or ""
                    if c.get("t") == "s":
                        text = strings[int(text)]
                    cells.append(text)
                out.append(",".join(cells))
                rows += 1
                el.clear()
    csv = "\n".join(out)
    seconds = time.process_time() - start
    print(f"rows={rows} csv_bytes={len(csv)} cpu_seconds={seconds:.3f} rows_per_second={rows / seconds:.0f}")


if __name__ == "__main__":
    main(sys.argv[1])
