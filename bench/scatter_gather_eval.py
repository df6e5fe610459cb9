#!/usr/bin/python3
"""ST-SCATTER-GATHER's precision and recall on data `moneytrail generate` did not make (#20 item 4).

  bench/scatter_gather_eval.py MONEYTRAIL indep WORLD WORK   # bench/indep/make_world.py --scatter-gather N
  bench/scatter_gather_eval.py MONEYTRAIL amlsim DIR WORK    # ../shared/data/amlsim/<sample>

indep: ingests WORLD/transactions.csv, scans with the shipped pack and WORLD's KYC files, and
counts the rule's alerts: on a planted scatter-gather (a subject among the scheme's accounts), on
another planted scheme's controller, or on neither (false positives); recall = planted
scatter-gather schemes whose source or sink is a subject of one of its alerts.
amlsim: ingests DIR/transactions.csv with DIR/nodes.csv as labels; alerts whose subjects include a
fraud-labelled node (the samples plant cycles or fan-ins, not scatter-gathers: a measure of
false alarms, not of recall). Standard library only.
"""
import csv
import json
import os
import subprocess
import sys

RULE = "ST-SCATTER-GATHER"


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def alerts_of(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            if a.get("record") == "alert" and a["rule_id"] == RULE:
                out.append(a)
    return out


def main():
    mt, kind, data, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    store = os.path.join(work, "store")
    alerts_path = os.path.join(work, "alerts.jsonl")
    if not os.path.exists(store):
        if kind == "indep":
            run([mt, "ingest", store, os.path.join(data, "transactions.csv"), "--format", "native"])
        else:
            run([mt, "ingest", store, os.path.join(data, "transactions.csv"), "--format", "amlsim",
                 "--labels", os.path.join(data, "nodes.csv")])
    scan = [mt, "scan", store, "--out", alerts_path, "--exit-zero"]
    if kind == "indep":
        scan += ["--parties", data]
    run(scan)
    alerts = alerts_of(alerts_path)
    if kind == "indep":
        truth = json.load(open(os.path.join(data, "truth.json"), encoding="utf-8"))
        sg = [s for s in truth["schemes"] if s["kind"] == "scatter_gather"]
        sg_accounts = {a for s in sg for a in s["accounts"]}
        controllers = {s["controller"] for s in truth["schemes"]}
        on_sg = sum(1 for a in alerts if sg_accounts & set(a["subjects"]))
        on_other = sum(1 for a in alerts if not (sg_accounts & set(a["subjects"])) and controllers & set(a["subjects"]))
        subjects = {x for a in alerts for x in a["subjects"]}
        found = sum(1 for s in sg if s["controller"] in subjects or s["sink"] in subjects)
        print(f"{data}: {RULE} alerts {len(alerts)}: on a planted scatter-gather {on_sg}, on another scheme's "
              f"controller {on_other}, false {len(alerts) - on_sg - on_other}; recall {found}/{len(sg)}")
    else:
        fraud = set()
        with open(os.path.join(data, "nodes.csv"), newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if r["isFraud"] == "1":
                    fraud.add(r["nodeid"])
        def node(label):
            return label.rsplit(":", 1)[-1]
        on_fraud = sum(1 for a in alerts if any(node(s) in fraud for s in a["subjects"]))
        print(f"{data}: {RULE} alerts {len(alerts)}, with a fraud-labelled subject {on_fraud}")


if __name__ == "__main__":
    main()
