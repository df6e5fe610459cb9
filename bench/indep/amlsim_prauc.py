#!/usr/bin/python3
"""Account-level PR-AUC (average precision) on an AMLSim sample (node labels isFraud), in one run:
the ranking (subjects.csv order), the model alone (subjects.csv model_probability) and a degree
baseline (distinct counterparties, from the sample's transactions.csv).

  amlsim_prauc.py CASE_DIR SAMPLE_DIR

Accounts the case does not rank (no transaction, or related parties) follow the ranked ones in
node order; ties in a score keep node order (no credit for lucky ties)."""
import csv
import os
import sys
from collections import defaultdict


def average_precision(order, positive):
    hits, total = 0, 0.0
    for i, node in enumerate(order, 1):
        if node in positive:
            hits += 1
            total += hits / i
    return total / max(1, len(positive))


def main():
    case, sample = sys.argv[1], sys.argv[2]
    labels = {}
    for r in csv.DictReader(open(os.path.join(sample, "nodes.csv"))):
        labels[r["nodeid"]] = r["isFraud"] == "1"
    positive = {n for n, bad in labels.items() if bad}
    nodes = sorted(labels, key=int)
    peers = defaultdict(set)
    for r in csv.DictReader(open(os.path.join(sample, "transactions.csv"))):
        peers[r["sourceNodeId"]].add(r["targetNodeId"])
        peers[r["targetNodeId"]].add(r["sourceNodeId"])
    rows = list(csv.DictReader(open(os.path.join(case, "subjects.csv"), newline="")))
    node_of = lambda label: label.rsplit(":", 1)[-1]
    ranked = [node_of(r["subject"]) for r in rows]
    seen = set(ranked)
    ranking = ranked + [n for n in nodes if n not in seen]
    # empty when the model does not apply to the input (no model input): ranks as 0
    model = {node_of(r["subject"]): float(r["model_probability"] or 0) for r in rows}
    by_model = sorted(nodes, key=lambda n: (-model.get(n, 0.0), int(n)))
    by_degree = sorted(nodes, key=lambda n: (-len(peers[n]), int(n)))
    base = len(positive) / len(nodes)
    print(f"accounts {len(nodes)}, laundering {len(positive)} (prevalence {base:.4f}), ranked {len(rows)}")
    for name, order in (("ranking", ranking), ("model alone", by_model), ("degree baseline", by_degree)):
        print(f"  {name:<16} PR-AUC (average precision) {average_precision(order, positive):.4f}")


if __name__ == "__main__":
    main()
