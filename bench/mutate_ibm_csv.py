#!/usr/bin/env python3
"""Mutates a share of an IBM-layout CSV's rows, deterministically (seed 7): values the general
row parser accepts in another form (single-digit dates, '+5.00', '.5', 'ach', 'true') or rejects
(bad dates, negative or malformed amounts, empty required fields, unknown formats, labels),
short and long rows, quoted fields, CRLF ends, non-ASCII text. For comparing two binaries'
stores and reject files (bench/RESULTS-ingest.md, Session 16).

Usage: bench/mutate_ibm_csv.py IN.csv OUT.csv ROWS RATE     (e.g. 400000 0.02)
"""
import random
import sys

src, dst, rows, rate = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
rng = random.Random(7)
M = {
    0: ["2022/9/01 00:20", "2022/09/1 0:20", "2022/02/30 10:00", "2022/13/01 10:00",
        "2022/01/31 24:00", "2022-01-31 23:59", "1850/01/01 00:00", "2022/01/31 23:59 ", "",
        "2024/02/29 12:00", "2022/09/01 00:20"],
    5: ["", ".5", "5.", "+5.00", "-5.00", "1,000.00", "1e5", "0000000000000000000012.5",
        "12345678901234567890", "0"],
    7: ["", ".5", "5.", "+5.00", "-5.00", "abc", "0.0000000000000000001", "7"],
    9: ["", "ach", "WIRE", "credit card", "cash_deposit", "unknown", "Bogus", "Wire "],
    10: ["", "true", "no", "2", "yes"],
    1: ["", "0524", "é01"], 2: ["", "ABC\"D"], 3: [""], 4: ["", "x"], 6: ["", "Euro€"],
    8: ["", "Yen"],
}
with open(src, newline="") as f, open(dst, "w", newline="") as out:
    out.write(f.readline())
    for i, line in enumerate(f):
        if i >= rows:
            break
        if rng.random() < rate:
            fields = line.rstrip("\n").split(",")
            k = rng.random()
            if k < 0.1:
                fields = fields[:-1]
            elif k < 0.2:
                fields.append("")
            elif k < 0.3:
                fields[rng.randrange(11)] = '"' + fields[rng.randrange(11)].replace('"', '""') + ',x"'
            else:
                for _ in range(rng.randint(1, 3)):
                    c = rng.choice(list(M))
                    fields[c] = rng.choice(M[c])
            line = ",".join(fields) + ("\r\n" if rng.random() < 0.3 else "\n")
        elif rng.random() < 0.01:
            line = line.rstrip("\n") + "\r\n"
        out.write(line)
