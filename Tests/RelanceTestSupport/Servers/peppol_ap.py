#!/usr/bin/env python3
"""A fake Peppol access point on 127.0.0.1 for the Peppol outbox tests (standard library only).

    peppol_ap.py --port-file FILE --log FILE [--max-seconds N] ANSWER...

Each POST gets the next ANSWER (the last one repeats):
    202            HTTP 202 with a JSON body naming the document ({"id": "ap-<n>", "status": "accepted"})
    422:REASON     HTTP 422 with REASON as the body (a rejection)
    503            HTTP 503 (a temporary failure)
    sleep:SECONDS  wait, then answer 202 (a timeout when the client gives up first)
Every request is appended to the log as one JSON line: path, headers, body length and sha256, the
body's first 200 bytes. The server exits after --max-seconds in any case.
"""
import argparse, hashlib, json, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--log", required=True)
ap.add_argument("--max-seconds", type=float, default=60)
ap.add_argument("answers", nargs="+")
args = ap.parse_args()
lock = threading.Lock()
count = [0]

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a): pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        with lock:
            i = count[0]; count[0] += 1
            answer = args.answers[min(i, len(args.answers) - 1)]
            with open(args.log, "a") as f:
                f.write(json.dumps({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                    "length": len(body), "sha256": hashlib.sha256(body).hexdigest(),
                                    "head": body[:200].decode("utf-8", "replace")}) + "\n")
        if answer.startswith("sleep:"):
            time.sleep(float(answer[6:])); answer = "202"
        if answer == "202":
            self.reply(202, json.dumps({"id": f"ap-{i + 1}", "status": "accepted"}), "application/json")
        elif answer.startswith("422:"):
            self.reply(422, answer[4:], "text/plain")
        else:
            self.reply(int(answer), "temporarily unavailable", "text/plain")

    def reply(self, code, text, ctype):
        data = text.encode()
        try:
            self.send_response(code); self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
tmp = args.port_file + ".tmp"
with open(tmp, "w") as f: f.write(str(server.server_address[1]))
os.rename(tmp, args.port_file)
threading.Timer(args.max_seconds, lambda: os._exit(0)).start()
server.serve_forever()
