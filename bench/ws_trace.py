#!/usr/bin/env python3
"""Where a request of bench/workspace_load spends its time, both sides joined (issue #22).

Reads the load client's trace (WORKSPACE_LOAD_TRACE=FILE) and the server's stderr with
`moneytrail serve --trace-requests N` (bench/workspace_load.sh keeps it as OUT_DIR/serve.err);
both stamp in microseconds of the machine's monotonic clock, and each timed request carries its
X-Trace-Id ("client.round.kind"). Prints, for one kind and round (default: round 0's first
pages, the burst), the median / p90 / max of each step:

  sent -> parsed        the client's write, the server thread's wake-up, reading and parsing it
  parsed -> handle      cpp-httplib's routing to our handler
  handle -> commit      the Api before the journal entry is queued (session, page query)
  commit wait           queued -> durable (group commit)
  commit -> handled     the Api after the commit (JSON of the page, security headers)
  handled -> compressed compression
  compressed -> written writing the response
  written -> answered   the client thread's wake-up, reading and parsing the response
  client CPU            the client thread's CPU for the request

Usage: bench/ws_trace.py CLIENT_TRACE SERVE_ERR [--kind first] [--round 0]
"""
import argparse
import re
import statistics


def q(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(p * len(v)))] if v else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("client")
    ap.add_argument("server")
    ap.add_argument("--kind", default="first")
    ap.add_argument("--round", default="0", help="a round number, or 'later' for rounds 1 and after, or 'all'")
    a = ap.parse_args()
    kv = re.compile(r"(\w+)=(\S+)")
    client, starts = {}, []
    for line in open(a.client):
        d = dict(kv.findall(line))
        if line.startswith("client-trace"):
            client[d["id"]] = d
        elif line.startswith("client-start"):
            starts.append(d)
    server = {}
    for line in open(a.server):
        if line.startswith("http-trace"):
            d = dict(kv.findall(line))
            if d["id"] != "-":
                server[d["id"]] = d

    def wanted(tid):
        k, r, kind = tid.split(".")
        if kind != a.kind:
            return False
        return a.round == "all" or (a.round == "later" and r != "0") or r == a.round

    ids = [t for t in client if wanted(t) and t in server]
    missing = [t for t in client if wanted(t) and t not in server]
    steps = {}

    def add(name, v):
        steps.setdefault(name, []).append(v / 1000.0)

    for t in ids:
        c, s = client[t], server[t]
        sent, answered = int(c["sent"]), int(c["answered"])
        parsed, hs, he = int(s["parsed"]), int(s["handle_start"]), int(s["handle_end"])
        comp, written = int(s["compressed"]), int(s["written"])
        cq, cw = int(s["commit_queued"]), int(s["commit_wait"])
        add("client: sent -> answered (the latency measured)", answered - sent)
        add("sent -> parsed (client write, server wake-up, read)", parsed - sent)
        add("parsed -> handle start (cpp-httplib routing)", hs - parsed)
        if hs <= cq <= he:
            add("handle start -> commit queued (session, query)", cq - hs)
            add("commit wait (group commit, durable)", cw)
            add("commit answered -> handle end (JSON)", he - (cq + cw))
        add("handle start -> end (the Api, all)", he - hs)
        add("handle end -> compressed", comp - he)
        add("compressed -> written (send)", written - comp)
        add("written -> answered (client wake-up, read, parse)", answered - written)
        if int(c["cpu_us"]) >= 0:  # the event-loop client does not measure it per request
            add("client thread CPU for the request", int(c["cpu_us"]))
        add("server: requests in flight at parse (count)", int(s["in_flight"]) * 1000)
        add("response body bytes (count)", int(s["body"]) * 1000)
        add("bytes sent (count)", int(s["sent"]) * 1000)
    print(f"{len(ids)} requests of kind {a.kind}, round {a.round} joined ({len(missing)} without a server trace)")
    if starts:
        rel = sorted(int(d["released"]) for d in starts)
        print(f"client threads left the start barrier over {(rel[-1] - rel[0]) / 1000:.2f} ms")
    if ids:
        first_sent = min(int(client[t]["sent"]) for t in ids)
        last_sent = max(int(client[t]["sent"]) for t in ids)
        last_answer = max(int(client[t]["answered"]) for t in ids)
        print(f"sent over {(last_sent - first_sent) / 1000:.2f} ms; last answered {(last_answer - first_sent) / 1000:.2f} ms "
              "after the first was sent")
    print(f"{'step (ms)':<56} {'median':>8} {'p90':>8} {'max':>8}")
    for name, v in steps.items():
        print(f"{name:<56} {statistics.median(v):8.2f} {q(v, 0.9):8.2f} {max(v):8.2f}")


if __name__ == "__main__":
    main()
