"""Reads an e-mail the way a mail client would, with Python's own parser (email.policy.default),
and prints it as JSON: decoded headers, text and HTML bodies, attachments as base64, and every
defect the parser found. Used by the Outbox tests as an independent check of the MIME builder.

    /usr/bin/python3 parse_eml.py < message.eml
"""
import base64
import email
import email.policy
import json
import sys


def describe(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    headers = {}
    for name, value in msg.items():
        headers.setdefault(name.lower(), []).append(str(value))
    plain = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    attachments = []
    defects = [type(d).__name__ for d in msg.defects]
    for part in msg.walk():
        defects += [type(d).__name__ for d in part.defects]
    for part in msg.iter_attachments():
        attachments.append({
            "filename": part.get_filename(),
            "content_type": part.get_content_type(),
            "data_b64": base64.b64encode(part.get_payload(decode=True) or b"").decode("ascii"),
        })
    return {
        "headers": headers,
        "content_type": msg.get_content_type(),
        "text": plain.get_content() if plain is not None else None,
        "html": html.get_content() if html is not None else None,
        "attachments": attachments,
        "defects": defects,
    }


if __name__ == "__main__":
    print(json.dumps(describe(sys.stdin.buffer.read())))
