#!/usr/bin/python3
"""Writes a synthetic CSV in IBM AMLworld's transaction layout, deterministically from a seed.

Usage: bench/make_ibm_csv.py --rows 5000000 --accounts 500000 --seed 1 --out bench/out/ibm-5m.csv

The file looks like IBM's HI/LI-*_Trans.csv: timestamps `YYYY/MM/DD HH:MM` in increasing order
over ~18 days, zero-padded bank ids kept as text ("010", "03208"), 9-hex-digit account numbers,
15 currencies (Bitcoin amounts with 6 decimals, the others with 2), all seven payment formats,
reinvestments from an account to itself, ~4% cross-currency wires, and ~0.1% laundering rows.
The same arguments always give the same bytes (Python's random.Random, a fixed algorithm).
"""
import argparse
import random
import sys

HEADER = ("Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,"
          "Amount Paid,Payment Currency,Payment Format,Is Laundering\n")

# (name, weight, units of the currency per US dollar)
CURRENCIES = [
    ("US Dollar", 40, 1.0), ("Euro", 15, 0.92), ("Yuan", 6, 7.1), ("Shekel", 2, 3.7),
    ("Canadian Dollar", 4, 1.36), ("UK Pound", 5, 0.79), ("Ruble", 3, 92.0),
    ("Australian Dollar", 3, 1.52), ("Swiss Franc", 3, 0.88), ("Yen", 6, 147.0),
    ("Mexican Peso", 4, 17.2), ("Rupee", 5, 83.0), ("Brazil Real", 3, 4.9),
    ("Saudi Riyal", 1, 3.75),
]
BITCOIN_PER_USD = 1.0 / 27000.0

FORMATS = [("Cheque", 30), ("Credit Card", 25), ("ACH", 15), ("Cash", 12), ("Wire", 10),
           ("Reinvestment", 5), ("Bitcoin", 3)]


def bank_id(rng, i):
    # IBM's bank ids are decimal numbers written with a varying number of leading zeros.
    width = rng.choice((3, 3, 4, 5, 5, 6))
    return str(i).zfill(width)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rows", type=int, default=5_000_000)
    p.add_argument("--accounts", type=int, default=500_000)
    p.add_argument("--banks", type=int, default=30_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--laundering-rate", type=float, default=0.001)
    p.add_argument("--out", default="-")
    a = p.parse_args()
    rng = random.Random(a.seed)

    # Bank numbers are log-uniform in 1..10^5, so that small, zero-padded ids ("010") are common.
    banks = sorted({bank_id(rng, int(10 ** (rng.random() * 5))) for _ in range(a.banks)})
    cur_names = [c[0] for c in CURRENCIES]
    cur_weights = [c[1] for c in CURRENCIES]
    rate = {c[0]: c[2] for c in CURRENCIES}
    accounts = []      # (bank, number)
    home = []          # home currency
    seen = set()
    for i in range(a.accounts):
        while True:
            number = "8%08X" % rng.getrandbits(32)
            bank = banks[rng.randrange(len(banks))]
            if (bank, number) not in seen:
                break
        seen.add((bank, number))
        accounts.append(bank + "," + number)
        home.append(rng.choices(cur_names, cur_weights)[0])
    del seen

    fmt_names = [f[0] for f in FORMATS]
    fmt_weights = [f[1] for f in FORMATS]
    out = sys.stdout if a.out == "-" else open(a.out, "w", newline="\n", buffering=1 << 20)
    out.write(HEADER)
    minutes = 18 * 24 * 60
    start_day = 1  # 2022/09/01
    n_acc = len(accounts)
    batch = 100_000
    rnd = rng.random
    randrange = rng.randrange
    for b0 in range(0, a.rows, batch):
        b1 = min(a.rows, b0 + batch)
        k = b1 - b0
        formats = rng.choices(fmt_names, fmt_weights, k=k)
        lines = []
        for j in range(k):
            i = b0 + j
            m = i * minutes // a.rows
            day, rest = divmod(m, 1440)
            d = start_day + day
            ts = "2022/%02d/%02d %02d:%02d" % (9 + (d - 1) // 30, (d - 1) % 30 + 1,
                                               rest // 60, rest % 60)
            src = randrange(n_acc)
            fmt = formats[j]
            if fmt == "Reinvestment":
                dst = src
            else:
                dst = randrange(n_acc)
            # Log-uniform US dollar value between $0.30 and $100K (median ~$560).
            usd = 10.0 ** (rnd() * 5.5 - 0.5)
            if fmt == "Bitcoin":
                cur_paid = cur_recv = "Bitcoin"
                units = max(1, int(usd * BITCOIN_PER_USD * 1e6))
                paid = recv = "%d.%06d" % divmod(units, 1_000_000)
            else:
                cur_paid = home[src]
                cents = max(1, int(usd * rate[cur_paid] * 100))
                paid = "%d.%02d" % divmod(cents, 100)
                if fmt == "Wire" and rnd() < 0.4 and home[dst] != cur_paid:
                    cur_recv = home[dst]
                    rc = max(1, int(cents / rate[cur_paid] * rate[cur_recv]))
                    recv = "%d.%02d" % divmod(rc, 100)
                else:
                    cur_recv, recv = cur_paid, paid
            laundering = "1" if rnd() < a.laundering_rate else "0"
            lines.append("%s,%s,%s,%s,%s,%s,%s,%s,%s\n" % (
                ts, accounts[src], accounts[dst], recv, cur_recv, paid, cur_paid, fmt, laundering))
        out.write("".join(lines))
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
