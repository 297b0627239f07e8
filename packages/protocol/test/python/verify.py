#!/usr/bin/env python3
"""Verifies signed clustr frames with nothing but Python's standard library, as a reader in
another language would (docs/protocol.md, "Signed frames").

stdin:  a JSON object {"secrets": [...], "window_ms": int, "now_ms": int,
                       "frames": [{"channel": "...", "raw": "..."}, ...]}
stdout: a JSON list, one verdict per frame: "ok", "unsigned", "bad_signature" or "stale".
"""
import base64
import hashlib
import hmac
import json
import sys

MARKER = ',"sig":"'


def verify(secrets, channel, raw, window_ms, now_ms):
    at = raw.rfind(MARKER)
    if at == -1:
        return "unsigned"
    if not raw.endswith('"}') or len(raw) != at + len(MARKER) + 43 + 2:
        return "bad_signature"
    given = raw[at + len(MARKER):-2]
    body = raw[:at]
    message = (channel + "\n" + body).encode("utf-8")
    for secret in secrets:
        mac = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
        expected = base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")
        if hmac.compare_digest(expected, given):
            ts = json.loads(raw).get("ts")
            if not isinstance(ts, int) or isinstance(ts, bool) or abs(now_ms - ts) > window_ms:
                return "stale"
            return "ok"
    return "bad_signature"


def main():
    job = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    verdicts = [verify(job["secrets"], f["channel"], f["raw"], job["window_ms"], job["now_ms"]) for f in job["frames"]]
    sys.stdout.write(json.dumps(verdicts) + "\n")


if __name__ == "__main__":
    main()
