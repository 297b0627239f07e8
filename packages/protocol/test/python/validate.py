#!/usr/bin/env python3
"""Validates raw clustr frames against the exported JSON Schema, as a Python consumer would.

stdin:  a JSON list; each item is the raw frame text, or {"base64": "..."} for raw bytes.
stdout: a JSON list of "valid" / "invalid", one per item, in order.
argv[1] (optional): the schema file; default schema/envelope.v2.json of this package.

Exit code 3 means the `jsonschema` library is missing (apt-get install python3-jsonschema).
"""
import base64
import binascii
import json
import sys
from pathlib import Path

try:
    from jsonschema import Draft7Validator
except ImportError:
    sys.stderr.write(
        "the jsonschema library is not installed for %s; run: apt-get install python3-jsonschema\n" % sys.executable
    )
    sys.exit(3)

DEFAULT_SCHEMA = Path(__file__).resolve().parents[2] / "schema" / "envelope.v2.json"


def reject_constant(name):
    # Python's json accepts NaN, Infinity and -Infinity; JSON (RFC 8259) does not.
    raise ValueError("%s is not JSON" % name)


def text_of(item):
    if isinstance(item, str):
        return item
    # Frames travel as UTF-8 bytes; invalid UTF-8 is not a JSON text.
    return base64.b64decode(item["base64"], validate=True).decode("utf-8")


def verdict(validator, item):
    try:
        value = json.loads(text_of(item), parse_constant=reject_constant)
    except (ValueError, RecursionError, binascii.Error):
        # JSONDecodeError and UnicodeDecodeError are ValueErrors.
        return "invalid"
    return "valid" if validator.is_valid(value) else "invalid"


def main():
    schema_path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SCHEMA
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    validator = Draft7Validator(schema)
    items = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    if not isinstance(items, list):
        sys.stderr.write("stdin must be a JSON list of samples\n")
        sys.exit(2)
    sys.stdout.write(json.dumps([verdict(validator, item) for item in items]))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
