#!/usr/bin/python3
"""Scores a case's ranking against a world's truth (bench/indep/README in bench/RESULTS-ranking.md).

  score.py CASE_DIR WORLD_DIR [--label NAME] [--json]

CASE_DIR: what `moneytrail investigate` wrote (subjects.csv, alerts.jsonl). WORLD_DIR: either a
bench/indep/make_world.py world (truth.json: scheme controllers and control accounts) or a
`moneytrail generate` world (truth/instances.jsonl: each instance's controller; no controls).

Prints, for the ranking in subjects.csv ("after") and for main's ranking before issue #20
restated from the same subjects.csv and alerts.jsonl ("before": 1 - (1 - model/2)(1 - (1 -
0.6^flagged))(1 - rules)(1 - patterns), rules = 1 - prod(1 - w) over distinct rules at their
highest severity, w high 0.60 / medium 0.35 / low 0.20 / report 0.10, patterns = min(0.5, 1 -
0.85^instances); ties by alerts, patterns, subject): planted controllers in the top 10 and top
20, their best and worst rank, and control accounts in the top 5. Controllers absent from
subjects.csv (not ranked) count as rank "none". "before" is computed over the subjects the new
ranking lists (related parties are not in subjects.csv), so it is, if anything, flattering to
main's ranking.
"""
import csv
import json
import os
import sys

WEIGHT = {"high": 0.60, "medium": 0.35, "low": 0.20, "report": 0.10}


def load_truth(world):
    path = os.path.join(world, "truth.json")
    if os.path.exists(path):
        t = json.load(open(path))
        return [s["controller"] for s in t["schemes"]], [c["account"] for c in t["controls"]]
    controllers = []
    with open(os.path.join(world, "truth", "instances.jsonl")) as f:
        for line in f:
            c = json.loads(line).get("controller", "")
            if c and c not in controllers:
                controllers.append(c)
    return controllers, []


def load_members(world):
    """The accounts of the generator's planted instances that are not controllers (smurfs, mules,
    intermediaries); None for a make_world.py world (its truth names only controllers)."""
    path = os.path.join(world, "truth", "instances.jsonl")
    if not os.path.exists(path):
        return None
    members, controllers = set(), set()
    with open(path) as f:
        for line in f:
            d = json.loads(line)
            controllers.add(d.get("controller", ""))
            members.update(d.get("accounts", []))
    return members - controllers


def load_case(case):
    rows = list(csv.DictReader(open(os.path.join(case, "subjects.csv"), newline="")))
    severity = {}
    with open(os.path.join(case, "alerts.jsonl")) as f:
        next(f)  # the scan's header line
        for line in f:
            a = json.loads(line)
            rule, sev = a.get("rule_id", ""), a.get("severity", "")
            if WEIGHT.get(sev, 0.2) > WEIGHT.get(severity.get(rule, ""), 0):
                severity[rule] = sev
    return rows, severity


def before_order(rows, severity):
    def score(r):
        clean = 1.0
        for rule in r["rules"].split():
            clean *= 1 - WEIGHT.get(severity.get(rule, ""), 0.2)
        model = 0.5 * float(r["model_probability"] or 0)  # empty: the model did not apply
        flagged = 1 - 0.6 ** (int(r["flagged_in"]) + int(r["flagged_out"]))
        patterns = min(0.5, 1 - 0.85 ** int(r["pattern_instances"]))
        return 1 - (1 - model) * (1 - flagged) * clean * (1 - patterns)
    keyed = [(-score(r), -int(r["alerts"]), -int(r["pattern_instances"]), r["subject"]) for r in rows]
    keyed.sort()
    return [k[3] for k in keyed]


def summarise(order, controllers, controls, members=None):
    rank = {s: i + 1 for i, s in enumerate(order)}
    top20 = set(order[:20])
    in_top20 = len(top20 & set(controllers))
    ranks = [rank.get(c) for c in controllers]
    found = [r for r in ranks if r is not None]
    return {
        "controllers": len(controllers),
        "top10": sum(1 for r in found if r <= 10),
        "top20": sum(1 for r in found if r <= 20),
        "best": min(found) if found else None,
        "worst": max(found) if len(found) == len(ranks) and found else "none",
        "unranked": len(ranks) - len(found),
        "controls_top5": sum(1 for c in controls if rank.get(c, 10**9) <= 5),
        "controls": len(controls),
        # Of the top 20 subjects: planted controllers (the ">= 90% of the top 20" reading), and
        # other accounts of planted instances (generator worlds only).
        "top20_controllers": in_top20,
        "top20_members": None if members is None else len(top20 & members),
    }


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    label = sys.argv[sys.argv.index("--label") + 1] if "--label" in sys.argv else args[1]
    if "--label" in sys.argv:
        args.remove(label)
    case, world = args[0], args[1]
    controllers, controls = load_truth(world)
    members = load_members(world)
    rows, severity = load_case(case)
    after = [r["subject"] for r in rows]
    result = {"world": label, "subjects": len(rows),
              "before": summarise(before_order(rows, severity), controllers, controls, members),
              "after": summarise(after, controllers, controls, members)}
    if "--json" in sys.argv:
        print(json.dumps(result))
        return
    for name in ("before", "after"):
        s = result[name]
        print(f"{label:<28} {name:<6} controllers {s['controllers']:>3}  top10 {s['top10']:>3}  "
              f"top20 {s['top20']:>3}  best {str(s['best']):>5}  worst {str(s['worst']):>5}  "
              f"controls in top5 {s['controls_top5']}/{s['controls']}"
              + ("" if s["top20_members"] is None else
                 f"  top20: {s['top20_controllers']} controllers + {s['top20_members']} other instance accounts"))


if __name__ == "__main__":
    main()
