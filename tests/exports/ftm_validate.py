#!/usr/bin/python3
"""An independent reading of moneytrail's FollowTheMoney JSON lines.

Checks each entity against FtM's schema facts (alephdata/followthemoney, followthemoney/schema/
*.yaml): known schema names, properties that the schema or its parents define, required
properties (Thing: name; Payment: payer, beneficiary), entity ids under the id rule
^[0-9a-zA-Z]([0-9a-zA-Z.-]*[0-9a-zA-Z])?$ (at most 128 bytes), unique ids, and that every entity
reference resolves to an entity whose schema lies in the property's range.

Usage: ftm_validate.py FILE.jsonl -> prints "payments N" and "sum CURRENCY AMOUNT" lines (exact,
decimal.Decimal); exits 1 with a message on the first violation.
"""
import decimal
import json
import re
import sys

PARENTS = {
    "Thing": [], "Interval": [], "Value": [], "Analyzable": [],
    "LegalEntity": ["Thing"], "Organization": ["LegalEntity"], "Company": ["Organization", "Asset"],
    "Person": ["LegalEntity"], "Asset": ["Thing", "Value"], "BankAccount": ["Asset"],
    "Interest": ["Interval"], "Ownership": ["Interest"], "Payment": ["Interval", "Value"],
    "Note": ["Thing", "Analyzable"],
}
PROPS = {
    "Thing": {"name", "summary", "description", "country", "alias", "notes", "sourceUrl", "publisher"},
    "Interval": {"startDate", "endDate", "date", "summary", "description", "recordId", "sourceUrl", "publisher"},
    "Value": {"amount", "currency", "amountUsd", "amountEur"},
    "Analyzable": set(),
    "LegalEntity": set(), "Organization": set(), "Company": set(), "Person": {"firstName", "lastName", "middleName"},
    "Asset": set(), "BankAccount": {"bankName", "accountNumber", "iban", "bic", "accountType", "balance"},
    "Interest": {"role", "status"},
    "Ownership": {"owner", "asset", "percentage", "sharesCount", "ownershipType"},
    "Payment": {"sequenceNumber", "transactionNumber", "purpose", "programme", "payer", "payerAccount",
                "beneficiary", "beneficiaryAccount"},
    "Note": {"entity"},
}
REQUIRED = {"Thing": {"name"}, "Payment": {"payer", "beneficiary"}}
RANGES = {  # entity-typed properties -> the schema their target must be or descend from
    "payer": "LegalEntity", "beneficiary": "LegalEntity", "payerAccount": "BankAccount",
    "beneficiaryAccount": "BankAccount", "owner": "LegalEntity", "asset": "Asset", "entity": "Thing",
}
CONCRETE = {"LegalEntity", "Organization", "Company", "Person", "BankAccount", "Ownership", "Payment", "Note"}
ID_RULE = re.compile(r"^[0-9a-zA-Z]([0-9a-zA-Z\.\-]*[0-9a-zA-Z])?$")


def ancestors(schema):
    out = {schema}
    for p in PARENTS[schema]:
        out |= ancestors(p)
    return out


def fail(msg):
    print(msg)
    sys.exit(1)


def main():
    entities = {}
    order = []
    with open(sys.argv[1], encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            e = json.loads(line)
            if set(e) != {"id", "schema", "properties"}:
                fail(f"line {n}: keys {sorted(e)}")
            if e["schema"] not in CONCRETE:
                fail(f"line {n}: unknown schema {e['schema']}")
            if not ID_RULE.match(e["id"]) or len(e["id"].encode()) > 128:
                fail(f"line {n}: id {e['id']!r} breaks FtM's id rule")
            if e["id"] in entities:
                fail(f"line {n}: id {e['id']} twice")
            allowed = set().union(*(PROPS[a] for a in ancestors(e["schema"])))
            for prop, values in e["properties"].items():
                if prop not in allowed:
                    fail(f"line {n}: {e['schema']} has no property {prop}")
                if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
                    fail(f"line {n}: property {prop} is not a list of non-empty strings")
            for a in ancestors(e["schema"]):
                for req in REQUIRED.get(a, ()):
                    if req not in e["properties"]:
                        fail(f"line {n}: {e['schema']} lacks required {req}")
            entities[e["id"]] = e
            order.append(e)
    sums = {}
    payments = 0
    for e in order:
        for prop, values in e["properties"].items():
            if prop in RANGES:
                for v in values:
                    if v not in entities:
                        fail(f"{e['id']}: {prop} -> {v} does not resolve")
                    if RANGES[prop] not in ancestors(entities[v]["schema"]):
                        fail(f"{e['id']}: {prop} -> {v} is a {entities[v]['schema']}, not a {RANGES[prop]}")
        if e["schema"] == "Payment":
            payments += 1
            cur = e["properties"]["currency"][0]
            sums[cur] = sums.get(cur, decimal.Decimal(0)) + decimal.Decimal(e["properties"]["amount"][0])
    print(f"payments {payments}")
    for cur in sorted(sums):
        print(f"sum {cur} {sums[cur]}")


main()
