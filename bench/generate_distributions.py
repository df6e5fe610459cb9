#!/usr/bin/env python3
# Distribution tables of docs/generator.md from a generated transactions.csv:
#   python3 bench/generate_distributions.py DIR/transactions.csv
import csv, sys, collections, statistics
rows = list(csv.DictReader(open(sys.argv[1])))
N=len(rows)
leg=[r for r in rows if r['is_laundering']=='0']; lau=[r for r in rows if r['is_laundering']=='1']
def q(v,p): v=sorted(v); return v[min(len(v)-1,int(p*len(v)))]
print("| channel | legitimate share | laundering share |")
print("|---|---|---|")
cl=collections.Counter(r['channel'] for r in leg); cL=collections.Counter(r['channel'] for r in lau)
for c in sorted(set(cl)|set(cL), key=lambda c:-cl[c]):
    print(f"| {c} | {100*cl[c]/len(leg):.1f}% | {100*cL[c]/len(lau):.1f}% |")
print()
print("| amount (USD) | p10 | p25 | median | p75 | p90 | p99 |")
print("|---|---|---|---|---|---|---|")
for name,sub in [("legitimate",leg),("laundering",lau)]:
    v=[float(r['amount_paid']) for r in sub]
    print(f"| {name} | "+" | ".join(f"{q(v,p):,.2f}" for p in [0.1,0.25,0.5,0.75,0.9,0.99])+" |")
for ch in ['card','cash_deposit','wire','money_transmitter','ach']:
    v=[float(r['amount_paid']) for r in leg if r['channel']==ch]
    print(f"| legitimate {ch} | "+" | ".join(f"{q(v,p):,.2f}" for p in [0.1,0.25,0.5,0.75,0.9,0.99])+" |")
print()
# degrees: distinct counterparties per account node
out=collections.defaultdict(set); inn=collections.defaultdict(set)
for r in rows:
    s=r['source_bank']+':'+r['source_account']; d=r['dest_bank']+':'+r['dest_account']
    if r['source_kind']=='account': out[s].add(d)
    if r['dest_kind']=='account': inn[d].add(s)
acc=set(out)|set(inn)
print("| distinct counterparties per account | p50 | p90 | p99 | max |")
print("|---|---|---|---|---|")
for name,m in [("out-degree",out),("in-degree",inn)]:
    v=[len(m.get(a,())) for a in acc]
    print(f"| {name} | {q(v,.5)} | {q(v,.9)} | {q(v,.99)} | {max(v)} |")
print()
print("| typology | transactions | share of laundering |")
print("|---|---|---|")
ct=collections.Counter(r['typology'] for r in lau)
for t,c in sorted(ct.items(), key=lambda kv:-kv[1]):
    print(f"| {t} | {c} | {100*c/len(lau):.1f}% |")
print()
print("rows",N,"laundering",len(lau), len(lau)/N)
hl=collections.Counter(r['timestamp'][11:13] for r in leg)
print("night share (22-05h) legit %.1f%% laundering %.1f%%"%(100*sum(hl[h] for h in ['22','23','00','01','02','03','04','05'])/len(leg), 100*sum(1 for r in lau if r['timestamp'][11:13] in ['22','23','00','01','02','03','04','05'])/len(lau)))
cur=collections.Counter(r['currency_received'] for r in rows)
print("currencies", dict(cur))
