"""A real SMTP server for the Outbox tests, with fault injection (Debian's python3-aiosmtpd).

Run with /usr/bin/python3. Binds 127.0.0.1 on a free port and writes the port to --port-file once
it listens. Every message it accepts is saved as NNNN.eml (the bytes exactly as received, after
SMTP dot-unstuffing) and NNNN.json (the envelope, and the message as Python's own e-mail parser
reads it: decoded headers, text and HTML bodies, attachments as base64, parser defects). Each
connection and command is appended to events.log. Exits by itself after --max-seconds.
"""
import argparse
import asyncio
import json
import os
import signal
import socket
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parse_eml import describe  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--mail-reply")
    p.add_argument("--rcpt-reply", action="append", default=[], help="ADDRESS=REPLY")
    p.add_argument("--data-reply")
    p.add_argument("--end-raise-count", type=int, default=0,
                   help="the handler fails (raises) on the first N messages, as aiosmtpd's own handlers do on a full disk")
    p.add_argument("--end-reply")
    p.add_argument("--end-reply-count", type=int, default=-1, help="use --end-reply for the first N messages only")
    p.add_argument("--drop-in-data", action="store_true")
    p.add_argument("--silent", action="store_true")
    p.add_argument("--stall", choices=["connect", "ehlo", "mail", "rcpt", "data", "end"],
                   help="stop answering at one phase and hold the connection open: no greeting (connect); after "
                        "EHLO, the reply to MAIL (ehlo); the reply to RCPT (mail); after 354, stop reading the data "
                        "(data); after the whole message, the reply to the end of data (end)")
    p.add_argument("--delay", type=float, default=0.0, help="seconds between saving a message and answering")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--auth", help="USER:PASSWORD required before MAIL")
    p.add_argument("--max-seconds", type=float, default=120.0)
    return p.parse_args()


ARGS = parse_args()
COUNT = {"saved": 0, "ended": 0}


def event(text):
    with open(os.path.join(ARGS.out, "events.log"), "a") as f:
        f.write(text + "\n")


def save(envelope):
    raw = envelope.original_content
    COUNT["saved"] += 1
    stem = os.path.join(ARGS.out, "%04d" % COUNT["saved"])
    info = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "message": describe(raw)}
    for suffix, data in ((".eml", raw), (".json", json.dumps(info).encode("utf-8"))):
        with open(stem + suffix + ".tmp", "wb") as f:
            f.write(data)
        os.rename(stem + suffix + ".tmp", stem + suffix)


class Handler:
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        event("mail")
        if ARGS.mail_reply:
            return ARGS.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        event("rcpt")
        for rule in ARGS.rcpt_reply:
            who, reply = rule.split("=", 1)
            if who == address:
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        event("data")
        if ARGS.stall == "end":
            await stall()
        COUNT["ended"] += 1
        if COUNT["ended"] <= ARGS.end_raise_count:
            # aiosmtpd answers "500 Error: (OSError) …" and leaves the transaction open.
            raise OSError("disk full")
        if ARGS.end_reply and (ARGS.end_reply_count < 0 or COUNT["ended"] <= ARGS.end_reply_count):
            return ARGS.end_reply
        # Saved before the delay: a client killed while it waits for this reply leaves a message
        # the server has, but the client never recorded as sent (the one in doubt).
        save(envelope)
        number = COUNT["saved"]
        if ARGS.delay:
            await asyncio.sleep(ARGS.delay)
        return "250 2.0.0 OK: queued as %d" % number


async def stall():
    event("stall")
    await asyncio.sleep(ARGS.max_seconds)


class FaultySMTP(SMTP):
    async def smtp_MAIL(self, arg):
        if ARGS.stall == "ehlo":
            await stall()
        await super().smtp_MAIL(arg)

    async def smtp_RCPT(self, arg):
        if ARGS.stall == "mail":
            await stall()
        await super().smtp_RCPT(arg)

    def connection_made(self, transport):
        event("connect")
        super().connection_made(transport)

    def connection_lost(self, exc):
        event("disconnect")
        super().connection_lost(exc)

    async def smtp_DATA(self, arg):
        if ARGS.data_reply:
            await self.push(ARGS.data_reply)
            return
        if ARGS.stall == "data":
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            await self._reader.readuntil(b"\r\n")
            self.transport.pause_reading()
            await stall()
            return
        if ARGS.drop_in_data:
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            for _ in range(3):
                await self._reader.readuntil(b"\r\n")
            event("drop")
            self.transport.close()
            return
        await super().smtp_DATA(arg)


def authenticator(server, session, envelope, mechanism, auth_data):
    user, password = ARGS.auth.split(":", 1)
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    event("auth " + ("ok" if ok else "refused"))
    return AuthResult(success=ok)


async def silent(reader, writer):
    event("connect")
    await asyncio.sleep(ARGS.max_seconds)


def tls_context():
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(ARGS.tls_cert, ARGS.tls_key)
    return ctx


def factory():
    kwargs = {"hostname": "relance-test.localhost", "decode_data": False}
    if ARGS.tls_cert and not ARGS.implicit_tls:
        kwargs.update(tls_context=tls_context(), require_starttls=True)
    if ARGS.auth:
        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    return FaultySMTP(Handler(), **kwargs)


async def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    loop = asyncio.get_running_loop()
    if ARGS.silent or ARGS.stall == "connect":
        server = await asyncio.start_server(silent, sock=sock)
    else:
        ssl_ctx = tls_context() if ARGS.implicit_tls else None
        server = await loop.create_server(factory, sock=sock, ssl=ssl_ctx)
    port = sock.getsockname()[1]
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    async with server:
        await asyncio.sleep(ARGS.max_seconds)


if __name__ == "__main__":
    # A test runner may start us with SIGTERM blocked; make sure it ends us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.makedirs(ARGS.out, exist_ok=True)
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
