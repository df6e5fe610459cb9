#!/usr/bin/env python3
"""Writes a synthetic KYC party file in moneytrail's parties.csv layout, with duplicates.

Used by bench/resolve_bench.sh to time `moneytrail resolve` on a million records when the
generator's presets are smaller. Each entity has 1 record plus a geometric number of
duplicates (mean total about 1.4 records); duplicates carry realistic corruptions: typos,
nicknames, initials, swapped names, transposed or mistyped birth dates, missing fields,
reformatted phones, e-mail case and tags, street-type abbreviations. Names follow Zipf
distributions over generated name pools, so common names make large blocks as in real
data. No nationality or ethnicity field is produced (DESIGN.md scope).

usage: resolve_make_parties.py N OUT_DIR [--seed S]
writes OUT_DIR/parties.csv and OUT_DIR/truth/entities.csv (party_id,entity_id).
"""
import argparse
import csv
import os
import random

SYLLABLES = ["ka", "lo", "mi", "ra", "ne", "to", "sa", "vi", "da", "ri", "el", "an", "ma", "jo",
             "be", "li", "na", "co", "ta", "ge", "ro", "si", "la", "de", "mo", "ha", "ni", "ve",
             "lu", "fe", "ar", "on", "is", "ul", "or", "en", "ba", "ch", "st", "th"]
NICK = {"robert": "bob", "william": "bill", "richard": "dick", "james": "jim", "michael": "mike",
        "elizabeth": "liz", "margaret": "peggy", "catherine": "kate", "thomas": "tom",
        "joseph": "joe", "jennifer": "jen", "daniel": "dan", "alexander": "alex"}
STREET_TYPES = [("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave"), ("Lane", "Ln"),
                ("Drive", "Dr"), ("Court", "Ct"), ("Place", "Pl")]
CITIES = [f"{a}{b}ton".capitalize() for a in SYLLABLES[:30] for b in SYLLABLES[10:30]]
INDUSTRY = ["5411", "5812", "7011", "4121", "5999", "6012", "1520", "4789", "7299", "8999"]
BUSINESS_SUFFIX = ["Ltd", "LLC", "Inc", "Trading", "Services", "Group", "Holdings", "Imports"]


def make_pool(rng, size, min_syl, max_syl):
    pool = set()
    while len(pool) < size:
        pool.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(min_syl, max_syl))))
    return sorted(pool)


def zipf_picker(rng, pool, s=1.05):
    weights = [1.0 / (i + 1) ** s for i in range(len(pool))]
    cum, total = [], 0.0
    for w in weights:
        total += w
        cum.append(total)
    import bisect

    def pick():
        return pool[bisect.bisect_left(cum, rng.random() * total)]
    return pick


def typo(rng, s):
    if len(s) < 2:
        return s
    i = rng.randrange(len(s))
    op = rng.randrange(4)
    letters = "abcdefghijklmnopqrstuvwxyz"
    if op == 0:
        return s[:i] + rng.choice(letters) + s[i + 1:]
    if op == 1:
        return s[:i] + s[i + 1:]
    if op == 2:
        return s[:i] + rng.choice(letters) + s[i:]
    if i + 1 < len(s):
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    first_pool = list(NICK) + make_pool(rng, 3000, 2, 3)
    last_pool = make_pool(rng, 60000, 2, 4)
    pick_first = zipf_picker(rng, first_pool, 1.0)
    pick_last = zipf_picker(rng, last_pool, 0.9)
    pick_street = zipf_picker(rng, make_pool(rng, 20000, 2, 3), 0.7)
    os.makedirs(os.path.join(args.out_dir, "truth"), exist_ok=True)
    parties = open(os.path.join(args.out_dir, "parties.csv"), "w", newline="")
    truth = open(os.path.join(args.out_dir, "truth", "entities.csv"), "w", newline="")
    pw, tw = csv.writer(parties), csv.writer(truth)
    pw.writerow(["party_id", "kind", "first_name", "middle_name", "last_name", "business_name",
                 "date_of_birth", "address", "city", "region", "postcode", "country", "phone",
                 "email", "id_number", "industry_code"])
    tw.writerow(["party_id", "entity_id"])
    written, entity = 0, 0
    while written < args.n:
        entity += 1
        business = rng.random() < 0.1
        first = pick_first().capitalize()
        middle = pick_first().capitalize() if rng.random() < 0.4 else ""
        last = pick_last().capitalize()
        stype = rng.choice(STREET_TYPES)
        number = rng.randint(1, 999)
        street = pick_street().capitalize()
        city = rng.choice(CITIES)
        postcode = f"{rng.randint(10000, 99999)}"
        dob = f"{rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        phone = f"{rng.randint(200, 989)}{rng.randint(1000000, 9999999)}"
        email = f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@{rng.choice(['mail.com', 'post.net', 'inbox.org'])}"
        id_number = f"{rng.randint(100000000, 999999999)}"
        bname = f"{pick_last().capitalize()} {rng.choice(BUSINESS_SUFFIX)}"
        industry = rng.choice(INDUSTRY)
        copies = 1
        while rng.random() < 0.3 and copies < 8:
            copies += 1
        for c in range(copies):
            if written >= args.n:
                break
            f, m, l, d = first, middle, last, dob
            addr = f"{number} {street} {stype[0]}"
            ph, em, idn, bn, cy, pc = phone, email, id_number, bname, city, postcode
            if c > 0:
                if rng.random() < 0.15:
                    f = typo(rng, f)
                if rng.random() < 0.05 and f.lower() in NICK:
                    f = NICK[f.lower()].capitalize()
                if rng.random() < 0.05:
                    f = f[0]
                if rng.random() < 0.15:
                    l = typo(rng, l)
                if rng.random() < 0.03:
                    f, l = l, f
                if rng.random() < 0.3:
                    m = m[:1]
                r = rng.random()
                if r < 0.04:
                    y, mo, da = d.split("-")
                    if int(da) <= 12:
                        d = f"{y}-{da}-{mo}"
                elif r < 0.10:
                    d = d[:3] + str(rng.randint(0, 9)) + d[4:]
                if rng.random() < 0.3:
                    addr = f"{number} {street} {stype[1]}"
                if rng.random() < 0.1:
                    addr = typo(rng, addr)
                if rng.random() < 0.3:
                    ph = f"+1 ({ph[:3]}) {ph[3:6]}-{ph[6:]}"
                if rng.random() < 0.2:
                    em = em.upper()
                if rng.random() < 0.05:
                    idn = typo(rng, idn)
                if rng.random() < 0.1:
                    bn = bn.upper()
                for field in ("ph", "em", "idn", "addr", "d", "cy"):
                    if rng.random() < 0.12:
                        if field == "ph": ph = ""
                        elif field == "em": em = ""
                        elif field == "idn": idn = ""
                        elif field == "addr": addr = ""
                        elif field == "d": d = ""
                        elif field == "cy": cy = ""
            written += 1
            pid = f"P{written:08d}"
            if business:
                pw.writerow([pid, "business", "", "", "", bn, "", addr, cy, "", pc, "", ph,
                             em, idn, industry])
            else:
                pw.writerow([pid, "person", f, m, l, "", d, addr, cy, "", pc, "", ph, em, idn, ""])
            tw.writerow([pid, f"T{entity}"])
    parties.close()
    truth.close()


if __name__ == "__main__":
    main()
