"""Probe a running server's log-in limits as an outsider would: wrong passwords sent all at
once from this address, for one account or for as many accounts; prints how many passwords
the server checked (answered 200) and how many log-ins it paused (429).

    .venv/bin/python bench/login_probe.py http://127.0.0.1:8000 account --attempts 40
    .venv/bin/python bench/login_probe.py http://127.0.0.1:8000 address --attempts 40

Run each probe against a fresh database (or 15 minutes apart): the counters of an earlier
probe still hold.
"""

import argparse
import http.client
import re
import secrets
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def attempt(server, username: str) -> int:
    """One log-in with a wrong password from a fresh browser: the answer's status."""
    connection = http.client.HTTPConnection(server.hostname, server.port, timeout=60)
    try:
        connection.request("GET", "/auth/login")
        response = connection.getresponse()
        page = response.read().decode()
        cookie = SimpleCookie(response.headers.get("Set-Cookie", ""))
        form = {"csrf_token": TOKEN.search(page).group(1), "username": username,
                "password": "bukan-sandinya-1"}
        connection.request("POST", "/auth/login", urlencode(form), {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={m.value}" for k, m in cookie.items())})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("probe", choices=["account", "address"])
    parser.add_argument("--attempts", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=12)
    args = parser.parse_args()
    server, run = urlsplit(args.url), secrets.token_hex(3)
    names = ([f"sasaran-{run}"] * args.attempts if args.probe == "account"
             else [f"tebakan-{run}-{n}" for n in range(args.attempts)])
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        answers = Counter(pool.map(lambda name: attempt(server, name), names))
    print(f"{args.probe}: {args.attempts} wrong passwords, {args.concurrency} at a time, "
          f"in {time.perf_counter() - started:.1f} s: checked (200) {answers.pop(200, 0)}, "
          f"paused (429) {answers.pop(429, 0)}, other {dict(answers) or 0}")


if __name__ == "__main__":
    main()
