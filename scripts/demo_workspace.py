#!/usr/bin/env python3
"""`make demo`, second part: a demo workspace for the task force (docs/workspace.md, "Demo").

Creates DEMO/workspace with two agencies (IRS-CI, HSI), an administrator, one agent of each, one
joint case (marked LES) whose evidence is the demo's bank statements plus one item marked 6103,
ingests the statements and investigates them through the server's jobs, so the alert queue is
filled; then prints the one command that serves it. Passwords are generated and written only to
DEMO/workspace-passwords.txt (mode 0600); they are never printed.

Usage: demo_workspace.py MONEYTRAIL_BINARY DEMO_DIR
"""
import concurrent.futures
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import urllib.error
import urllib.parse

MAPPINGS = ["gen-firstcoast", "gen-prairie-cu", "gen-sonoran"]


def password():
    return secrets.token_urlsafe(18)


class Client:
    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = ""

    def call(self, method, path, body=None, raw=None, content_type=None):
        data, headers = None, {}
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if raw is not None:
            data, headers["Content-Type"] = raw, content_type
        if method != "GET" and self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req) as res:
                return json.loads(res.read())
        except urllib.error.HTTPError as e:
            sys.exit(f"demo workspace: {method} {path}: HTTP {e.code} {e.read().decode()[:300]}")

    def sign_in(self, user, pw):
        self.csrf = self.call("POST", "/api/v1/session", {"username": user, "password": pw})["csrf_token"]


def wait_for(client, job_id, what):
    for _ in range(600):
        job = client.call("GET", f"/api/v1/jobs/{job_id}")
        if job["state"] in ("done", "failed", "interrupted"):
            if job["state"] != "done":
                sys.exit(f"demo workspace: the {what} job {job['state']}: {job['message']}")
            print(f"   {what}: {job['message']}")
            return job
        time.sleep(0.2)
    sys.exit(f"demo workspace: the {what} job did not finish")


def main():
    mt, demo = sys.argv[1], sys.argv[2]
    ws = os.path.join(demo, "workspace")
    secrets_file = os.path.join(demo, "workspace-passwords.txt")
    shutil.rmtree(ws, ignore_errors=True)
    users = {"admin": password(), "irs.agent": password(), "hsi.agent": password()}
    old = os.umask(0o077)
    with open(secrets_file, "w") as f:
        for user, pw in users.items():
            f.write(f"{user} {pw}\n")
    os.umask(old)
    os.chmod(secrets_file, 0o600)
    env = dict(os.environ, MONEYTRAIL_ADMIN_PASSWORD=users["admin"])
    subprocess.run([mt, "workspace", "init", ws, "--agency", "IRS-CI", "--contact",
                    "IRS-CI duty desk 555-0100", "--admin", "admin"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    server = subprocess.Popen([mt, "serve", "--workspace", ws, "--listen", "127.0.0.1:0"],
                              stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        port = re.search(r"https?://[^ ]*:(\d+)/", line)  # "serving DIR at http://HOST:PORT/ (...)"
        if not port:
            sys.exit(f"demo workspace: the server did not start: {line}")
        base = f"http://127.0.0.1:{port.group(1)}"
        admin = Client(base)
        admin.sign_in("admin", users["admin"])
        irs_id = admin.call("GET", "/api/v1/me")["agency_id"]
        hsi = admin.call("POST", "/api/v1/agencies", {"name": "HSI", "contact": "HSI duty agent 555-0199"})
        irs_agent = admin.call("POST", "/api/v1/users", {
            "username": "irs.agent", "display_name": "IRS-CI special agent", "agency_id": irs_id,
            "role": "agent", "clearances": ["6103", "LES"], "password": users["irs.agent"]})
        hsi_agent = admin.call("POST", "/api/v1/users", {
            "username": "hsi.agent", "display_name": "HSI special agent", "agency_id": hsi["id"],
            "role": "agent", "clearances": ["LES"], "password": users["hsi.agent"]})
        irs = Client(base)
        irs.sign_in("irs.agent", users["irs.agent"])
        case = irs.call("POST", "/api/v1/cases", {"number": "JTF-2026-001",
                                                  "title": "Sonoran corridor smuggling proceeds",
                                                  "markings": ["LES"]})
        cid = case["id"]
        irs.call("POST", f"/api/v1/cases/{cid}/members", {
            "user_id": hsi_agent["id"], "access": "write",
            "reason": "HSI co-case agent on the joint task force"})
        print(f"== demo workspace: case {case['number']} (IRS-CI owns it; HSI's agent is a member)")
        statements = os.path.join(demo, "bank", "statements")
        files = []
        for bank in sorted(os.listdir(statements)):
            folder = os.path.join(statements, bank)
            if os.path.isdir(folder):
                files += [os.path.join(folder, name) for name in sorted(os.listdir(folder))]

        def upload(path):
            # Each statement is its own evidence item (hashed, stored, journalled); the server
            # takes them concurrently, so their synced writes overlap.
            with open(path, "rb") as f:
                name = urllib.parse.quote(os.path.basename(path))
                return irs.call("POST", f"/api/v1/cases/{cid}/evidence?name={name}", raw=f.read(),
                                content_type="text/csv")["id"]
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            evidence = list(pool.map(upload, files))
        upload_seconds = time.monotonic() - started
        # One item of federal tax information (synthetic), seen only by those cleared for 6103.
        transcript = b"tax_year,filer,reported_wages,source\n2024,P000117,31200.00,synthetic demo\n"
        irs.call("POST", f"/api/v1/cases/{cid}/evidence?name=irs-transcript-summary.csv&markings=6103",
                 raw=transcript, content_type="text/csv")
        print(f"   {len(evidence)} bank statements uploaded ({upload_seconds:.1f} s), and one 6103 item")
        irs.call("POST", f"/api/v1/cases/{cid}/requests", {
            "bank": "First Coast Bank", "legal_process": "grand-jury subpoena (demo)",
            "accounts": ["80020474750", "80063637648", "89999999999"],
            "period_from": "2025-09-01", "period_to": "2025-09-10"})
        job = irs.call("POST", f"/api/v1/cases/{cid}/jobs", {
            "kind": "ingest", "evidence_ids": evidence, "format": "mapped", "mappings": MAPPINGS})
        wait_for(irs, job["id"], "ingest")
        job = irs.call("POST", f"/api/v1/cases/{cid}/jobs", {"kind": "investigate"})
        wait_for(irs, job["id"], "investigate")
        queue = irs.call("GET", f"/api/v1/cases/{cid}/alerts?limit=1000")
        print(f"   {len(queue['alerts'])} alerts in the case's queue")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    verify = subprocess.run([mt, "audit", "verify", ws], capture_output=True, text=True)
    print(f"   audit verify: {verify.stdout.strip().splitlines()[0] if verify.stdout.strip() else verify.returncode}")
    print()
    print(f"serve it:  {mt} serve --workspace {ws} --listen 127.0.0.1:8443")
    print(f"sign in as admin, irs.agent (cleared 6103, LES) or hsi.agent (LES): passwords in {secrets_file} (mode 0600)")


if __name__ == "__main__":
    main()
