#!/usr/bin/python3
"""An independent small bank world, written from scratch for evaluating moneytrail's ranking on
data it was not tuned on (issue #20, item 5). Standard library only.

It shares nothing with `moneytrail generate` but the output format (docs/format/native-csv.md and
the KYC files parties.csv / accounts.csv that `--parties` reads): its own population, amount and
timing distributions (log-normal amounts, clock times drawn per habit), its own account numbering
and its own planted schemes:

  fee_collector   smuggling-fee collection: many payers send installments of a fee (several
                  thousand dollars per person, paid over weeks) by wire or money transmitter to
                  one person in a border city, who wires the money to Mexico or Guatemala
  funnel          cash deposited at branches in distant states, withdrawn near the border
  structuring     cash deposits just under $10,000 on several days, then wired or withdrawn
  pass_through    wires and cash in, forwarded within days to high-risk corridors
  wage_controller a front business pays several workers' wages into one controller account
  scatter_gather  (only with --scatter-gather N, planted after everything else so that the worlds
                  of the default call are unchanged) a business splits funds over 3-6 personal
                  accounts, each of which forwards 85-99% of it within days to one common sink

Legitimate population: salaried people (payroll, rent, utilities, card spending, ATM cash, P2P,
small remittances home), landlords, employers, card merchants and busy cash businesses
(restaurants, car washes, convenience stores: heavy daily cash, card settlements, suppliers
abroad), the latter listed in the truth file as controls: they must not rank at the top.

  make_world.py --seed 11 --out DIR [--people 700] [--days 56] [--per-kind 4]

writes DIR/transactions.csv, DIR/parties.csv, DIR/accounts.csv and DIR/truth.json
({"seed", "schemes": [{"id", "kind", "controller"}], "controls": [{"account", "kind"}]}; accounts
as moneytrail labels them, "BANK:ACCOUNT").
"""
import argparse
import csv
import datetime as dt
import json
import math
import os
import random

START = dt.datetime(2025, 2, 3)
BANKS = ["FNB", "CUW", "MSB", "PRC"]
HOME_CITIES = [("Chicago", "IL"), ("Atlanta", "GA"), ("Denver", "CO"), ("Omaha", "NE"),
               ("Charlotte", "NC"), ("Columbus", "OH"), ("Seattle", "WA"), ("Nashville", "TN"),
               ("Phoenix", "AZ"), ("Dallas", "TX"), ("Houston", "TX"), ("Los Angeles", "CA")]
BORDER_CITIES = [("Nogales", "AZ"), ("Laredo", "TX"), ("El Paso", "TX"), ("McAllen", "TX"),
                 ("Yuma", "AZ"), ("Calexico", "CA"), ("Brownsville", "TX")]
FIRST = ["Ana", "Luis", "Grace", "Omar", "Mei", "Tom", "Rosa", "Ivan", "Sara", "Ken", "Lena",
         "Raj", "Nora", "Paul", "Ines", "Abdi", "Jon", "Eva", "Hugo", "Kim", "Yara", "Ben"]
LAST = ["Reyes", "Novak", "Okafor", "Lindqvist", "Tanaka", "Brooks", "Haddad", "Silva",
        "Kowalski", "Nguyen", "Carter", "Moreau", "Patel", "Fischer", "Santos", "Olsen"]
MERCHANT_KINDS = [(5411, "GROCER"), (5541, "FUEL"), (5812, "DINER"), (5912, "PHARMACY"),
                  (5311, "DEPT STORE"), (4121, "RIDESHARE"), (5814, "COFFEE"), (5999, "SHOP")]


class World:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.rows = []
        self.parties = []
        self.accounts = []
        self.next_party = 0
        self.numbers = set()

    # --- identities -------------------------------------------------------------------------
    def party(self, kind, city, region, business=""):
        self.next_party += 1
        pid = f"K{self.next_party:06d}"
        r = self.rng
        first, last = (r.choice(FIRST), r.choice(LAST)) if kind == "person" else ("", "")
        self.parties.append({
            "party_id": pid, "kind": kind, "first_name": first, "middle_name": "",
            "last_name": last, "business_name": business,
            "date_of_birth": f"19{r.randint(50, 99)}-0{r.randint(1, 9)}-1{r.randint(0, 9)}" if kind == "person" else "",
            "address": f"{r.randint(10, 9999)} {r.choice(['Oak', 'Main', 'Elm', 'Lake', 'Hill'])} St",
            "city": city, "region": region, "postcode": f"{r.randint(10000, 99999)}",
            "country": "US", "phone": f"+1{r.randint(2000000000, 9899999999)}",
            "email": "", "id_number": f"ID{r.randint(10**7, 10**8 - 1)}",
            "industry_code": "" if kind == "person" else str(r.choice([5812, 7542, 5411, 7349]))})
        return pid

    def account(self, pid, bank=None):
        bank = bank or self.rng.choice(BANKS)
        while True:
            number = f"{self.rng.randint(10**9, 10**10 - 1)}"
            if number not in self.numbers:
                break
        self.numbers.add(number)
        self.accounts.append({"bank": bank, "account": number, "kind": "account",
                              "holder_party_id": pid, "opened": "2019-05-01"})
        return (bank, number)

    def person(self, border=False):
        city, region = self.rng.choice(BORDER_CITIES if border else HOME_CITIES)
        pid = self.party("person", city, region)
        return {"acct": self.account(pid), "city": city, "region": region}

    def business(self, name, city=None, region=None):
        if city is None:
            city, region = self.rng.choice(HOME_CITIES)
        pid = self.party("business", city, region, name)
        return {"acct": self.account(pid), "city": city, "region": region, "name": name}

    # --- rows -------------------------------------------------------------------------------
    def when(self, day, lo_hour, hi_hour):
        seconds = self.rng.randint(int(lo_hour * 3600), int(hi_hour * 3600) - 1)
        return START + dt.timedelta(days=day, seconds=seconds)

    def money(self, median, spread, lo=1.0, hi=None):
        v = median * math.exp(self.rng.gauss(0, spread))
        v = max(lo, v if hi is None else min(v, hi))
        return round(v, 2)

    def add(self, t, src, dst, amount, channel, src_kind="account", dst_kind="account", city="",
            region="", country="", mcc="", counterparty="", bad=False, typology=""):
        self.rows.append({
            "timestamp": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "source_kind": src_kind,
            "source_bank": src[0], "source_account": src[1], "dest_kind": dst_kind,
            "dest_bank": dst[0], "dest_account": dst[1], "amount_paid": f"{amount:.2f}",
            "currency_paid": "USD", "channel": channel, "city": city, "region": region,
            "country": country, "mcc": str(mcc) if mcc else "", "counterparty": counterparty,
            "is_laundering": "1" if bad else "0", "typology": typology})

    def cash_desk(self, bank, city, region):
        return (bank, f"BR-{city.replace(' ', '').upper()}-{region}")

    def deposit(self, t, who, amount, city, region, bad=False, typ=""):
        self.add(t, self.cash_desk(who[0], city, region), who, amount, "cash_deposit", src_kind="cash",
                 city=city, region=region, country="US", bad=bad, typology=typ)

    def withdraw(self, t, who, amount, city, region, bad=False, typ=""):
        self.add(t, who, self.cash_desk(who[0], city, region), amount, "cash_withdrawal",
                 dst_kind="cash", city=city, region=region, country="US", bad=bad, typology=typ)

    def abroad(self, t, who, amount, country, channel="wire", bad=False, typ="", name=""):
        beneficiary = (f"X-{country}", f"{country}{self.rng.randint(10**6, 10**7 - 1)}")
        self.add(t, who, beneficiary, amount, channel, dst_kind="external", country=country,
                 counterparty=name or f"Beneficiario {self.rng.randint(1, 999)}", bad=bad, typology=typ)


def legitimate(w, people_count, days):
    r = w.rng
    merchants = [(("ACQ", f"M{k:05d}"), mcc, f"{name} #{k}", r.choice(HOME_CITIES))
                 for k, (mcc, name) in enumerate(MERCHANT_KINDS * 6)]
    employers = [w.business(f"{r.choice(LAST)} {r.choice(['Logistics', 'Clinic', 'Builders', 'Foods', 'Tech'])}")
                 for _ in range(max(4, people_count // 25))]
    landlords = [w.person() for _ in range(max(3, people_count // 30))]
    utility = ("UTIL", "POWER-GRID-CO")
    people = [w.person(border=r.random() < 0.12) for _ in range(people_count)]
    for p in people:
        p["employer"] = r.choice(employers)
        p["pay"] = w.money(1900, 0.35, lo=700, hi=6000)
        p["rent"] = w.money(1300, 0.3, lo=500, hi=3500)
        p["remits"] = r.random() < 0.15  # sends money home now and then: ordinary migrant life
        p["phase"] = r.randint(0, 13)
    for day in range(days):
        weekday = (START + dt.timedelta(days=day)).weekday()
        for p in people:
            a = p["acct"]
            if weekday == 4 and (day // 7) % 2 == p["phase"] % 2:  # biweekly Friday payroll
                w.add(w.when(day, 6, 8), p["employer"]["acct"], a, p["pay"], "ach",
                      counterparty=p["employer"]["name"])
            if day % 28 == p["phase"] % 28:
                w.add(w.when(day, 8, 20), a, r.choice(landlords)["acct"], p["rent"], "ach")
                w.add(w.when(day, 0, 6), a, utility, w.money(95, 0.4), "ach", dst_kind="external",
                      country="US", counterparty="POWER GRID CO")
            for _ in range(sum(1 for _ in range(3) if r.random() < 0.28)):
                m = r.choice(merchants)
                w.add(w.when(day, 7, 22.5), a, m[0], w.money(32, 0.9), "card", dst_kind="merchant",
                      city=m[3][0], region=m[3][1], country="US", mcc=m[1], counterparty=m[2])
            if r.random() < 0.03:
                w.withdraw(w.when(day, 9, 21), a, float(r.choice([40, 60, 100, 200, 300])), p["city"], p["region"])
            if r.random() < 0.02:
                w.add(w.when(day, 8, 23), a, r.choice(people)["acct"], w.money(60, 0.8), "internal")
            if p["remits"] and r.random() < 0.03:
                w.abroad(w.when(day, 10, 20), a, w.money(250, 0.5, hi=900), r.choice(["MX", "GT", "PH", "IN"]),
                         channel="money_transmitter")
        # Employers fund payroll by wire from their clients.
        if weekday == 3:
            for e in employers:
                w.add(w.when(day, 9, 16), ("CLIENTS", "CORP-" + e["acct"][1][-4:]), e["acct"],
                      w.money(30000, 0.3), "wire", src_kind="external", country="US")
    return people


def cash_businesses(w, count, days, people):
    """Restaurants, car washes and convenience stores: heavy daily cash, card settlements,
    suppliers (some abroad), payroll. The truth file lists them as controls."""
    r = w.rng
    controls = []
    kinds = [("restaurant", "Taqueria", 2600), ("car_wash", "Car Wash", 1800),
             ("convenience", "Quick Mart", 3400)]
    for k in range(count):
        kind, word, takings = kinds[k % 3]
        border = r.random() < 0.3
        city, region = r.choice(BORDER_CITIES if border else HOME_CITIES)
        b = w.business(f"{r.choice(LAST)} {word}", city, region)
        controls.append({"account": f"{b['acct'][0]}:{b['acct'][1]}", "kind": kind})
        staff = r.sample(people, 4)
        for day in range(days):
            weekday = (START + dt.timedelta(days=day)).weekday()
            busy = 1.4 if weekday >= 4 else 1.0
            # Takings banked most days, sometimes two deposits; a big weekend can top $10,000.
            for _ in range(1 if r.random() < 0.8 else 2):
                w.deposit(w.when(day, 16, 21), b["acct"], w.money(takings * busy, 0.45, lo=150, hi=14500),
                          city, region)
            w.add(w.when(day + 1, 2, 5), ("ACQ", "SETTLEMENT"), b["acct"], w.money(takings * 0.8 * busy, 0.3),
                  "ach", src_kind="external", country="US", counterparty="CARD SETTLEMENT")
            if r.random() < 0.35:
                w.add(w.when(day, 9, 17), b["acct"], ("SUPPLY", f"S{r.randint(1, 40):03d}"),
                      w.money(2200, 0.6), "ach", dst_kind="external", country="US", counterparty="FOOD SUPPLY")
            if r.random() < 0.05:  # imported goods and equipment
                w.abroad(w.when(day, 9, 17), b["acct"], w.money(6000, 0.5), r.choice(["MX", "CN"]),
                         name="Proveedor Industrial SA")
            if weekday == 4:
                for s in staff:
                    w.add(w.when(day, 6, 8), b["acct"], s["acct"], w.money(650, 0.25), "ach",
                          counterparty=b["name"])
            if r.random() < 0.15:
                w.withdraw(w.when(day, 8, 10), b["acct"], w.money(600, 0.4), city, region)  # till float
    return controls


def fee_collector(w, days, people, sid):
    r = w.rng
    typ = "smuggling_fee"
    boss = w.person(border=True)
    payers = [w.person() for _ in range(r.randint(14, 30))]
    start = r.randint(0, max(1, days - 42))
    for p in payers:
        fee = w.money(4500, 0.35, lo=2500, hi=9000)       # several thousand dollars per person
        parts = r.randint(2, 4)                           # paid in installments over weeks
        first = start + r.randint(0, 20)
        for k in range(parts):
            day = min(days - 1, first + k * r.randint(6, 11))
            amount = round(min(2950.0, fee / parts * r.uniform(0.85, 1.15)), 2)
            w.add(w.when(day, 9, 21), p["acct"], boss["acct"], amount,
                  r.choice(["wire", "money_transmitter"]), bad=True, typology=typ)
        if r.random() < 0.7:  # the families' own ordinary spending
            m = (("ACQ", "M00001"), 5411, "GROCER #1")
            w.add(w.when(first, 10, 19), p["acct"], m[0], w.money(45, 0.6), "card", dst_kind="merchant",
                  mcc=m[1], counterparty=m[2], country="US")
    for day in range(start + 6, min(days, start + 60), 7):
        w.abroad(w.when(day, 10, 16), boss["acct"], w.money(14000, 0.35, hi=40000),
                 r.choice(["MX", "GT"]), bad=True, typ=typ)
    return {"id": sid, "kind": "fee_collector", "controller": f"{boss['acct'][0]}:{boss['acct'][1]}"}


def funnel(w, days, people, sid):
    r = w.rng
    typ = "funnel"
    boss = w.person(border=True)
    far = r.sample([c for c in HOME_CITIES if c[1] not in ("AZ", "TX", "CA")], 4)
    start = r.randint(0, max(1, days - 35))
    for week in range(r.randint(3, 5)):
        base = start + week * 7
        total = 0.0
        for _ in range(r.randint(3, 6)):
            city, region = r.choice(far)
            amount = w.money(4200, 0.35, lo=1500, hi=9400)
            total += amount
            w.deposit(w.when(min(days - 1, base + r.randint(0, 3)), 10, 17), boss["acct"], amount, city, region,
                      bad=True, typ=typ)
        left = total * r.uniform(0.85, 0.97)
        day = min(days - 1, base + 4)
        while left > 200:
            part = round(min(left, r.uniform(2500, 7000)), 2)
            left -= part
            bc, br = r.choice(BORDER_CITIES)
            w.withdraw(w.when(day, 9, 18), boss["acct"], part, bc, br, bad=True, typ=typ)
            day = min(days - 1, day + r.randint(0, 1))
    return {"id": sid, "kind": "funnel", "controller": f"{boss['acct'][0]}:{boss['acct'][1]}"}


def structuring(w, days, people, sid):
    r = w.rng
    typ = "structuring"
    boss = w.person()
    start = r.randint(0, max(1, days - 30))
    for week in range(r.randint(2, 4)):
        total = 0.0
        for d in sorted(r.sample(range(6), r.randint(2, 3))):
            amount = round(r.uniform(8100, 9900), 2)
            total += amount
            city, region = r.choice(HOME_CITIES) if r.random() < 0.5 else (boss["city"], boss["region"])
            w.deposit(w.when(start + week * 7 + d, 10, 16), boss["acct"], amount, city, region, bad=True, typ=typ)
        day = min(days - 1, start + week * 7 + 6)
        if r.random() < 0.5:
            w.abroad(w.when(day, 10, 16), boss["acct"], round(total * 0.9, 2), r.choice(["MX", "CO", "HN"]),
                     bad=True, typ=typ)
        else:
            w.add(w.when(day, 10, 16), boss["acct"], r.choice(people)["acct"], round(total * 0.9, 2), "wire",
                  bad=True, typology=typ)
    return {"id": sid, "kind": "structuring", "controller": f"{boss['acct'][0]}:{boss['acct'][1]}"}


def pass_through(w, days, people, sid):
    r = w.rng
    typ = "pass_through"
    boss = w.person()
    senders = [w.business(f"{r.choice(LAST)} Trading") for _ in range(3)]
    start = r.randint(0, max(1, days - 30))
    for k in range(r.randint(3, 6)):
        day = start + k * r.randint(3, 6)
        if day >= days - 3:
            break
        amount = w.money(11000, 0.4, lo=4000, hi=40000)
        if r.random() < 0.7:
            w.add(w.when(day, 9, 15), r.choice(senders)["acct"], boss["acct"], amount, "wire", bad=True, typology=typ)
        else:
            w.deposit(w.when(day, 9, 15), boss["acct"], min(amount, 9000.0), boss["city"], boss["region"],
                      bad=True, typ=typ)
            amount = min(amount, 9000.0)
        w.abroad(w.when(day + r.randint(1, 3), 9, 16), boss["acct"], round(amount * r.uniform(0.92, 0.99), 2),
                 r.choice(["GT", "HN", "SV", "CO", "CN"]), bad=True, typ=typ)
    return {"id": sid, "kind": "pass_through", "controller": f"{boss['acct'][0]}:{boss['acct'][1]}"}


def wage_controller(w, days, people, sid):
    r = w.rng
    typ = "wage_controller"
    boss = w.person()
    front = w.business(f"{r.choice(LAST)} Cleaning Services")
    workers = r.randint(4, 8)
    for day in range(r.randint(0, 6), days, 14):
        total = 0.0
        for _ in range(workers):
            amount = w.money(720, 0.15)
            total += amount
            w.add(w.when(day, 6, 7), front["acct"], boss["acct"], amount, "ach", counterparty=front["name"],
                  bad=True, typology=typ)
        out = day + 1 if day + 1 < days else day
        if r.random() < 0.5:
            w.withdraw(w.when(out, 9, 17), boss["acct"], round(total * 0.95, 2), boss["city"], boss["region"],
                       bad=True, typ=typ)
        else:
            w.abroad(w.when(out, 9, 17), boss["acct"], round(total * 0.95, 2), r.choice(["MX", "GT", "HN"]),
                     channel="money_transmitter", bad=True, typ=typ)
        w.add(w.when(day - 1 if day > 0 else day, 9, 15), ("CLIENTS", "HOTEL-GROUP"), front["acct"],
              round(total * 1.3, 2), "wire", src_kind="external", country="US")
    return {"id": sid, "kind": "wage_controller", "controller": f"{boss['acct'][0]}:{boss['acct'][1]}"}


def scatter_gather(w, days, people, sid):
    r = w.rng
    typ = "scatter_gather"
    source = w.business(f"{r.choice(LAST)} Imports")
    sink = w.business(f"{r.choice(LAST)} Holdings") if r.random() < 0.5 else w.person()
    mules = [w.person() for _ in range(r.randint(3, 6))]
    start = r.randint(0, max(1, days - 24))
    for k in range(r.randint(1, 3)):
        day = start + k * r.randint(6, 10)
        if day >= days - 7:
            break
        chosen = r.sample(mules, r.randint(3, len(mules)))
        amounts = [w.money(4500, 0.5, lo=1200, hi=9500) for _ in chosen]
        w.add(w.when(max(day - 1, 0), 9, 16), ("CLIENTS", "IMPORT-" + source["acct"][1][-4:]), source["acct"],
              round(sum(amounts) * r.uniform(1.0, 1.1), 2), "wire", src_kind="external", country="US")
        for m, amount in zip(chosen, amounts):
            out_day = day + r.randint(0, 1)
            w.add(w.when(out_day, 9, 17), source["acct"], m["acct"], amount, r.choice(["wire", "ach"]),
                  bad=True, typology=typ)
            w.add(w.when(out_day + r.randint(1, 5), 8, 20), m["acct"], sink["acct"],
                  round(amount * r.uniform(0.85, 0.99), 2), r.choice(["wire", "ach", "internal"]),
                  bad=True, typology=typ)
    label = lambda a: f"{a['acct'][0]}:{a['acct'][1]}"
    return {"id": sid, "kind": "scatter_gather", "controller": label(source), "sink": label(sink),
            "accounts": [label(source)] + [label(m) for m in mules] + [label(sink)]}


SCHEMES = [fee_collector, funnel, structuring, pass_through, wage_controller]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--people", type=int, default=700)
    ap.add_argument("--days", type=int, default=56)
    ap.add_argument("--per-kind", type=int, default=4, help="planted schemes of each of the 5 kinds")
    ap.add_argument("--cash-businesses", type=int, default=15)
    ap.add_argument("--scatter-gather", type=int, default=0,
                    help="scatter-gather schemes planted after the others (0: the world is unchanged)")
    a = ap.parse_args()
    w = World(a.seed)
    people = legitimate(w, a.people, a.days)
    controls = cash_businesses(w, a.cash_businesses, a.days, people)
    schemes = []
    for k in range(a.per_kind):
        for make in SCHEMES:
            schemes.append(make(w, a.days, people, f"S{len(schemes) + 1:02d}"))
    for k in range(a.scatter_gather):
        schemes.append(scatter_gather(w, a.days, people, f"S{len(schemes) + 1:02d}"))
    w.rows.sort(key=lambda row: row["timestamp"])  # stable: equal times keep creation order
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "transactions.csv"), "w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(w.rows[0].keys()), lineterminator="\n")
        out.writeheader()
        out.writerows(w.rows)
    with open(os.path.join(a.out, "parties.csv"), "w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(w.parties[0].keys()), lineterminator="\n")
        out.writeheader()
        out.writerows(w.parties)
    with open(os.path.join(a.out, "accounts.csv"), "w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(w.accounts[0].keys()), lineterminator="\n")
        out.writeheader()
        out.writerows(w.accounts)
    with open(os.path.join(a.out, "truth.json"), "w") as f:
        json.dump({"generator": "bench/indep/make_world.py", "seed": a.seed, "people": a.people,
                   "days": a.days, "transactions": len(w.rows), "schemes": schemes,
                   "controls": controls}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
