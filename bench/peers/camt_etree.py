#!/usr/bin/python3
"""Peer for bench/formats_benchmark.cc: Python's standard xml.etree (iterparse, elements cleared
as read) on the same camt.053 file: the entries, each with its amount as an exact Decimal, its
direction, booking date, reference and the other party. Prints entries, seconds, entries/s."""
import sys
import time
import xml.etree.ElementTree as ET
from decimal import Decimal

NS = "{urn:iso:std:iso:20022:tech:xsd:camt.053.001.02}"


def main(path):
    start = time.process_time()
    entries = 0
    total = Decimal(0)
    for _, el in ET.iterparse(path, events=("end",)):
        if el.tag != NS + "Ntry":
            continue
        amount = Decimal(el.find(NS + "Amt").text)
        if el.find(NS + "CdtDbtInd").text == "DBIT":
            amount = -amount
        el.find(NS + "BookgDt/" + NS + "Dt").text
        el.find(NS + "AcctSvcrRef").text
        tx = el.find(NS + "NtryDtls/" + NS + "TxDtls")
        party = "Cdtr" if amount < 0 else "Dbtr"
        tx.find(NS + "RltdPties/" + NS + party + "/" + NS + "Nm").text
        tx.find(NS + "RmtInf/" + NS + "Ustrd").text
        total += amount
        entries += 1
        el.clear()
    seconds = time.process_time() - start
    print(f"entries={entries} sum={total} cpu_seconds={seconds:.3f} entries_per_second={entries / seconds:.0f}")


if __name__ == "__main__":
    main(sys.argv[1])
