#!/usr/bin/env python3
"""Drives `deal lsp` as an editor does, on a large agreement, and times each
edit until its diagnostics arrive: the responsiveness of issue 18 (target:
within 100 ms for a 10,000-line agreement).

    benches/lsp.py [DEAL_BINARY] [LINES] [EDITS]

It writes the agreement (and a series beside it) to a temporary directory,
opens it, then sends EDITS full-text changes, alternately valid and with a
misspelt party, and prints the median and the slowest time from sending a
change to receiving its `publishDiagnostics`.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def agreement(lines: int) -> str:
    clauses = [
        f"  c{i}: share 0.01% of revenue to Partner cap {i + 1}K" for i in range(lines - 6)
    ]
    return "\n".join(
        [
            'agreement "large" {',
            "  currency USD",
            "  parties Company, Partner",
            "  payer Company",
            *clauses,
            '  series "large.csv"',
            "}",
        ]
    ) + "\n"


class Server:
    def __init__(self, binary: str):
        self.process = subprocess.Popen(
            [binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.next_id = 0

    def send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self) -> dict:
        length = 0
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise SystemExit("the server closed its output")
            line = line.strip()
            if not line:
                break
            if line.startswith(b"Content-Length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.process.stdout.read(length))

    def request(self, method: str, params) -> dict:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id:
                return message

    def notify(self, method: str, params) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self) -> list:
        while True:
            message = self.receive()
            if message.get("method") == "textDocument/publishDiagnostics":
                return message["params"]["diagnostics"]


def main() -> None:
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/deal"
    lines = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 21
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, "large.deal")
    text = agreement(lines)
    with open(path, "w") as file:
        file.write(text)
    with open(os.path.join(directory, "large.csv"), "w") as file:
        file.write("period,revenue\n")
        for month in range(120):
            file.write(f"{2020 + month // 12}-{month % 12 + 1:02d},{1_000_000 + month * 7_919}.37\n")
    uri = "file://" + path
    server = Server(os.path.abspath(binary))
    server.request("initialize", {"capabilities": {}})
    server.notify("initialized", {})
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "deal", "version": 1, "text": text}},
    )
    server.diagnostics()
    middle = (lines - 6) // 2 + 1
    broken = text.replace(f"to Partner cap {middle}K\n", f"to Partnr cap {middle}K\n")
    times = []
    for version in range(2, edits + 2):
        edited = broken if version % 2 else text
        started = time.perf_counter()
        server.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": edited}]},
        )
        found = server.diagnostics()
        times.append(time.perf_counter() - started)
        expected = 1 if version % 2 else 0
        if len(found) != expected:
            raise SystemExit(f"edit {version}: {len(found)} diagnostics, expected {expected}")
    # A hover waits for the evaluation over the series, done after them.
    started = time.perf_counter()
    server.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": 4, "character": 4}},
    )
    hover = time.perf_counter() - started
    server.request("shutdown", None)
    server.notify("exit", None)
    server.process.wait()
    print(
        f"{lines} lines, {edits} edits: diagnostics in {statistics.median(times) * 1000:.1f} ms "
        f"median, {max(times) * 1000:.1f} ms slowest; a hover after the last edit "
        f"(the evaluation over 120 months first) {hover * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
