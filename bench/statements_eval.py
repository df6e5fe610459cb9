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

  - alerts (with --native NSTORE, a store of the same world's native transactions.csv ingested
    alone, so its transaction ids are the world's): `scan` on both stores with the same rule
    pack; for the planted instances whose controlling account is covered by the statements,
    recall as eval-rules counts it (an alert's subjects include the controller, or the evidence
    of all alerts covers more than half of the instance's transactions that the statements
    hold), and the (rule, subject) pairs on covered accounts that both scans raise. Recall is
    given over all native alerts (the goal) and, labelled apart, over the native alerts of the
    rules that can run on the statements (not those the scan finds not applicable on date-only
    rows, such as an hours rule): the difference is what date-only records cannot show.

  - with --subjects: per rule, the covered subjects one scan raises and the other does not, each
    with the sentences of its alerts on the side that raised it (the reason), and the covered
    subjects' statement gaps (a gap the continuity check reports is evidence no statement holds).

Usage: bench/statements_eval.py MONEYTRAIL STORE WORLD_DIR [--native NSTORE] [--json OUT]
       [--instances] [--subjects]
Exit status 1 when a goal of issue #19 is not met (channel >= 99%, counterparty >= 98%, zero
double counted, every planted fault found, alert recall within 2 points).
Standard library only (/usr/bin/python3).
"""
import argparse
import csv
import glob
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict


ST_TYPOLOGIES = {"funnel_account", "smuggling_fee_collection", "structuring", "rapid_pass_through",
                 "trafficking_business", "commingling"}


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def export_rows(mt, store):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rows.csv")
        subprocess.check_call([mt, "export", store, "--out", out, "--format", "native",
                               "--verbatim"])
        return read_csv(out)


def scan(mt, store, sentences=None):
    """The alerts of `scan` with the shipped pack: a list of (rule, subjects, evidence ids), and
    the rules the scan found not applicable on date-only rows (its header's
    not_applicable_on_date_only; from the skipped reasons for binaries that predate it). When
    `sentences` is a dict, each alert's sentence is appended to sentences[(rule, subject)]."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "alerts.jsonl")
        subprocess.check_call([mt, "scan", store, "--out", out, "--exit-zero"],
                              stdout=subprocess.DEVNULL)
        alerts = []
        not_applicable = set()
        with open(out, encoding="utf-8") as f:
            for line in f:
                a = json.loads(line)
                if a.get("record") == "scan":
                    not_applicable |= set(a.get("not_applicable_on_date_only", []))
                    not_applicable |= {s.split(":")[0] for s in a.get("skipped", [])
                                       if "filters on hours of the day" in s}
                if a.get("record") != "alert":
                    continue
                alerts.append((a["rule_id"], set(a["subjects"]),
                               {e["transaction_id"] for e in a.get("evidence", [])}))
                if sentences is not None:
                    for subject in a["subjects"]:
                        sentences.setdefault((a["rule_id"], subject), []).append(
                            a.get("sentence", ""))
        return alerts, not_applicable


def planted_faults(store, sdir, sources):
    """Planted balance breaks and gaps (faults.csv) and whether the store's checks found them."""
    path = os.path.join(sdir, "faults.csv")
    faults = read_csv(path) if os.path.exists(path) else []
    breaks, gaps = set(), set()
    for report in glob.glob(os.path.join(store, "segments", "*", "statement-checks.json")):
        with open(report, encoding="utf-8") as f:
            r = json.load(f)
        files = [os.path.realpath(p) for p in r["files"]]
        for b in r["balance_breaks"]:
            if b.get("at"):
                breaks.add((files[b["at"]["file"]], b["at"]["line"]))
            else:
                breaks.add((files[b["file"]], 0))
        for g in r["gaps"]:
            gaps.add((g["account"], g["first_day"], g["last_day"]))
    found = Counter()
    planted = Counter()
    missed = []
    for fault in faults:
        planted[fault["kind"]] += 1
        if fault["kind"] == "gap":
            key = (f"{fault['bank']}:{fault['account']}", fault["from"], fault["to"])
            ok = key in gaps
        else:
            p = os.path.realpath(os.path.join(sdir, fault["file"]))
            ok = (p, int(fault["line"] or 0)) in breaks
        found[fault["kind"]] += ok
        if not ok:
            missed.append(fault)
    return planted, found, missed, len(breaks), len(gaps)


def statement_gaps(store):
    """account -> ["first_day..last_day", ...]: the gaps the continuity checks report."""
    gaps = defaultdict(list)
    for report in glob.glob(os.path.join(store, "segments", "*", "statement-checks.json")):
        with open(report, encoding="utf-8") as f:
            for g in json.load(f)["gaps"]:
                gaps[g["account"]].append(f"{g['first_day']}..{g['last_day']}")
    return gaps


def instance_recall(instances, alerts, to_world, covered_keys, held):
    """Recall over `instances` as eval-rules counts it; evidence ids mapped by `to_world`."""
    subjects = set()
    evidence = set()
    for _, subj, ev in alerts:
        subjects |= subj
        evidence |= {to_world(t) for t in ev}
    found = 0
    for inst in instances:
        txs = [t for t in inst["transaction_ids"] if t in held]
        if inst["controller"] in subjects or (
                txs and sum(t in evidence for t in txs) * 2 > len(txs)):
            found += 1
    return found


def found_by(inst, alerts, to_world, held):
    """The rules whose alerts name the instance's controller; "evidence" when only the union of
    all alerts' evidence finds it; empty when not found (as instance_recall counts)."""
    rules = {r for r, subj, _ in alerts if inst["controller"] in subj}
    if rules:
        return rules
    evidence = set()
    for _, _, ev in alerts:
        evidence |= {to_world(t) for t in ev}
    txs = [t for t in inst["transaction_ids"] if t in held]
    return {"evidence"} if txs and sum(t in evidence for t in txs) * 2 > len(txs) else set()


def instance_differences(instances, nat_alerts, st_alerts, store_to_world, held):
    """Instances found on one side only: (typology, controller, native rules, statement rules)."""
    out = []
    for inst in instances:
        n = found_by(inst, nat_alerts, lambda t: t, held)
        s = found_by(inst, st_alerts, lambda t: store_to_world.get(t, -1), held)
        if bool(n) != bool(s):
            out.append((inst["typology"], inst["controller"], sorted(n), sorted(s)))
    return out


def compare_alerts(mt, store, native, world, covered_keys, store_to_world, held):
    instances = []
    with open(os.path.join(world, "truth", "instances.jsonl"), encoding="utf-8") as f:
        for line in f:
            inst = json.loads(line)
            if inst.get("controller") in covered_keys:
                instances.append(inst)
    st_sentences, nat_sentences = {}, {}
    st_alerts, not_applicable = scan(mt, store, st_sentences)
    nat_alerts, _ = scan(mt, native, nat_sentences)
    # The native alerts of rules that can run on the statements (not those not applicable on
    # date-only rows): the second, clearly labelled, recall; the goal is judged on the first.
    nat_runnable = [a for a in nat_alerts if a[0] not in not_applicable]
    result = {"not_applicable_on_date_only": sorted(not_applicable)}
    for name, subset in (("all", instances),
                         ("smuggling_trafficking",
                          [i for i in instances if i["typology"] in ST_TYPOLOGIES])):
        nat = instance_recall(subset, nat_alerts, lambda t: t, covered_keys, held)
        nat_run = instance_recall(subset, nat_runnable, lambda t: t, covered_keys, held)
        st = instance_recall(subset, st_alerts, lambda t: store_to_world.get(t, -1),
                             covered_keys, held)
        result[name] = {"instances": len(subset), "native_found": nat, "statements_found": st,
                        "native_found_by_runnable_rules": nat_run}
    pairs = lambda alerts: {(r, s) for r, subj, _ in alerts for s in subj if s in covered_keys}
    nat_pairs, st_pairs = pairs(nat_alerts), pairs(st_alerts)
    per_rule = defaultdict(lambda: [0, 0, 0])
    for r, _ in nat_pairs:
        per_rule[r][0] += 1
    for r, _ in st_pairs:
        per_rule[r][1] += 1
    for r, _ in nat_pairs & st_pairs:
        per_rule[r][2] += 1
    result["instances_one_side"] = instance_differences(instances, nat_alerts, st_alerts,
                                                        store_to_world, held)
    result["pairs_one_side"] = [
        {"rule": r, "subject": subj, "side": side,
         "sentences": (nat_sentences if side == "native" else st_sentences)[(r, subj)]}
        for side, only in (("native", nat_pairs - st_pairs), ("statements", st_pairs - nat_pairs))
        for r, subj in sorted(only)]
    result["pairs"] = {"native": len(nat_pairs), "statements": len(st_pairs),
                       "both": len(nat_pairs & st_pairs),
                       "per_rule": {r: dict(zip(("native", "statements", "both"), v))
                                    for r, v in sorted(per_rule.items())}}
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("moneytrail")
    ap.add_argument("store")
    ap.add_argument("world")
    ap.add_argument("--native", help="store of the world's transactions.csv alone")
    ap.add_argument("--json", help="write the figures here as JSON")
    ap.add_argument("--instances", action="store_true",
                    help="list the instances found on one side only, with the rules that found "
                         "them (a diagnosis for tuning worlds; do not read it on evaluation ones)")
    ap.add_argument("--subjects", action="store_true",
                    help="list per rule the covered subjects raised on one side only, with their "
                         "alerts' sentences and the subjects' statement gaps (tuning worlds only)")
    args = ap.parse_args()
    mt, store, world = args.moneytrail, args.store, args.world
    info = json.loads(subprocess.check_output([mt, "info", store, "--json"]))
    sources = {s["index"]: os.path.realpath(s["path"]) for s in info["sources"]}
    stored = export_rows(mt, store)
    # The store's citations: transaction -> (path, line, role).
    cites = []
    for path in sorted(glob.glob(os.path.join(store, "segments", "*", "statement-lines.csv"))):
        for r in read_csv(path):
            cites.append((int(r["transaction"]), sources[int(r["source"])], int(r["line"]),
                          r["role"]))
    # The truth: (path, line) -> (kind, world transaction id).
    truth = {}
    sdir = os.path.join(world, "statements")
    for r in read_csv(os.path.join(sdir, "truth.csv")):
        if r["transaction_id"]:
            p = os.path.realpath(os.path.join(sdir, r["file"]))
            truth[(p, int(r["line"]))] = (r["kind"], int(r["transaction_id"]))
    world_tx = read_csv(os.path.join(world, "transactions.csv"))
    covered = set()
    for r in read_csv(os.path.join(sdir, "accounts.csv")):
        covered.add((r["bank"], r["account"]))
    covered_keys = {f"{b}:{a}" for b, a in covered}

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
    unidentified_by = Counter()
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
        if unidentified:
            unidentified_by[x["channel"]] += 1
        src = (x["source_bank"], x["source_account"])
        dst = (x["dest_bank"], x["dest_account"])
        if (x.get("source_kind", "account") == "account" and x.get("dest_kind", "account") ==
                "account" and src in covered and dst in covered):
            account_pairs += 1
            got = {(e[1], e[2]) for e in ends if e[0] == "account"}
            account_pairs_ok += got == {src, dst}
    n = len(store_to_world)
    figures = {"rows": n, "citations_without_truth": unmapped, "world_covered": len(carriers),
               "double_counted": double, "channel_ok": channel_ok,
               "counterparty_identified": identified, "account_pairs": account_pairs,
               "account_pairs_ok": account_pairs_ok}
    print(f"store transactions from statement lines: {n} (citations without truth: {unmapped})")
    print(f"world transactions covered: {len(carriers)}; double counted: {double}")
    print(f"channel recovered: {channel_ok}/{n} = {channel_ok / max(n, 1):.4f}")
    print(f"counterparty identified: {identified}/{n} = {identified / max(n, 1):.4f}")
    print(f"transfers between covered accounts joined to the right account: "
          f"{account_pairs_ok}/{account_pairs} = {account_pairs_ok / max(account_pairs, 1):.4f}")
    for (want, got), c in missed.most_common(8):
        print(f"  channel {want} read as {got}: {c}")
    for channel, c in unidentified_by.most_common(8):
        print(f"  counterparty not identified on {channel} rows: {c}")
    planted, found, missed_faults, breaks, gaps = planted_faults(store, sdir, sources)
    figures["faults"] = {k: {"planted": planted[k], "found": found[k]} for k in planted}
    figures["checks"] = {"balance_breaks": breaks, "gaps": gaps}
    print(f"planted faults found: " + (", ".join(f"{k} {found[k]}/{planted[k]}"
                                                for k in sorted(planted)) or "none planted") +
          f" (the checks report {breaks} balance break(s), {gaps} gap(s))")
    for fault in missed_faults:
        print(f"  missed: {fault}")
    ok = (channel_ok >= 0.99 * n and identified >= 0.98 * n and double == 0 and
          not missed_faults)
    if args.native:
        held = set(carriers)
        a = compare_alerts(mt, store, args.native, world, covered_keys, store_to_world, held)
        figures["alerts"] = a
        for name in ("all", "smuggling_trafficking"):
            r = a[name]
            k = max(r["instances"], 1)
            nat, st = r["native_found"] / k, r["statements_found"] / k
            print(f"alert recall, {name} instances with a covered controller ({r['instances']}): "
                  f"native {r['native_found']} = {nat:.4f}, statements {r['statements_found']} = "
                  f"{st:.4f} ({100 * (st - nat):+.1f} points)")
            ok = ok and abs(st - nat) <= 0.02
        print("rules not applicable on date-only rows: " +
              (", ".join(a["not_applicable_on_date_only"]) or "none"))
        for name in ("all", "smuggling_trafficking"):
            r = a[name]
            k = max(r["instances"], 1)
            nat, st = r["native_found_by_runnable_rules"] / k, r["statements_found"] / k
            print(f"alert recall over the rules that can run on the statements (not the goal), "
                  f"{name}: native {r['native_found_by_runnable_rules']} = {nat:.4f}, statements "
                  f"{r['statements_found']} = {st:.4f} ({100 * (st - nat):+.1f} points)")
        p = a["pairs"]
        print(f"(rule, covered subject) pairs: native {p['native']}, statements "
              f"{p['statements']}, both {p['both']}")
        for rule, c in p["per_rule"].items():
            print(f"  {rule}: native {c['native']}, statements {c['statements']}, both {c['both']}")
        if args.instances:
            print("instances found on one side only (typology, controller, native rules, "
                  "statement rules):")
            for typology, controller, n, st in a["instances_one_side"]:
                print(f"  {typology} {controller}: native {'+'.join(n) or '-'}, "
                      f"statements {'+'.join(st) or '-'}")
        if args.subjects:
            gaps = statement_gaps(store)
            print("(rule, covered subject) pairs raised on one side only (side, rule, subject: "
                  "the alerts' sentences on that side):")
            for d in a["pairs_one_side"]:
                print(f"  {d['side']}-only {d['rule']} {d['subject']}" +
                      (f" [statement gap(s): {', '.join(gaps[d['subject']])}]"
                       if d["subject"] in gaps else ""))
                for sentence in d["sentences"]:
                    print(f"      {sentence}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(figures, f, indent=1, sort_keys=True)
    print("goals met" if ok else "goals NOT met")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
