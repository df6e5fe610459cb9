#!/usr/bin/python3
"""The generator's statement rows as a plain transfer list (bench/statements_intake_bench.sh).

Reads DIR/statements/{firstcoast,prairie-cu,sonoran}/*.csv (the three layouts of
docs/generator.md "Statements") and writes OUT/<bank>.csv with the columns
Date,Source,Dest,Amount,Description: money out of the statement account goes to the
description text, money in comes from it. The same rows, in the same order, as the statements,
for ingest through the plain `mapped` path (bench/statements_flat.toml): no banner, no checks,
no grammar. Standard library only.

Usage: bench/statements_flatten.py STATEMENTS_DIR OUT_DIR
"""
import csv
import os
import sys

LAYOUTS = {  # folder: (bank, encoding, header start, date, description, amount reader)
    "firstcoast": ("011", "utf-8", "Date,Description,Debit,Credit,Balance"),
    "prairie-cu": ("022", "windows-1252", '"Posted Date"'),
    "sonoran": ("033", "utf-8", "Transaction Date,"),
}


def money(text):
    t = text.replace("$", "").replace(",", "").strip()
    neg = t.startswith("(") or t.startswith("-")
    t = t.strip("()-")
    return t, neg


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for folder, (bank, encoding, header) in LAYOUTS.items():
        d = os.path.join(src, folder)
        with open(os.path.join(out, f"{folder}.csv"), "w", newline="", encoding="utf-8") as o:
            w = csv.writer(o, lineterminator="\n")
            w.writerow(["Date", "Source", "Dest", "Amount", "Description"])
            for name in sorted(os.listdir(d)):
                account = f"{bank}:{name.split('_')[0]}"
                with open(os.path.join(d, name), newline="", encoding=encoding) as f:
                    lines = f.read().splitlines()
                start = next(i for i, line in enumerate(lines) if line.startswith(header))
                for r in csv.reader(lines[start + 1:]):
                    if not r or r[0].startswith("Total"):
                        continue
                    if folder == "firstcoast":
                        date, desc = r[0], r[1]
                        debit, _ = money(r[2])
                        credit, _ = money(r[3])
                        out_flow = float(debit) != 0
                        amount = debit if out_flow else credit
                    elif folder == "prairie-cu":
                        date, desc = r[0], r[2]
                        amount, neg = money(r[3])
                        out_flow = neg or r[4] == "DR"
                    else:
                        date, desc = r[0], r[2]
                        amount, out_flow = money(r[4])
                    if folder == "prairie-cu":
                        m, dd, yy = date.split("/")
                        date = f"20{yy}-{m}-{dd}"
                    elif folder == "firstcoast":
                        m, dd, yyyy = date.split("/")
                        date = f"{yyyy}-{m}-{dd}"
                    src_end, dst_end = (account, desc) if out_flow else (desc, account)
                    w.writerow([date, src_end, dst_end, amount, desc])


if __name__ == "__main__":
    main()
