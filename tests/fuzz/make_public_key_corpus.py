#!/usr/bin/python3
"""Writes tests/fuzz/corpus/public_key/*.bin deterministically (standard
library only): every key of policy/dkim/test_keys.h as DER (RSA SubjectPublicKeyInfo
and PKCS#1 of several sizes, RSA-PSS, Ed25519, EC P-256), and a few of them
cut short, extended, or with their sequence tag made primitive."""
import base64
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(HERE, "..", "..", "config", "test_keys.h")
OUT = os.path.join(HERE, "corpus", "public_key")


def keys():
    text = open(KEYS).read()
    for name, body in re.findall(r"inline constexpr char (k\w+)\[\] =\s*((?:\"[^\"]*\"\s*)+);", text):
        b64 = "".join(re.findall(r"\"([^\"]*)\"", body))
        try:
            yield name, base64.b64decode(b64, validate=True)
        except ValueError:
            continue


def main():
    os.makedirs(OUT, exist_ok=True)
    written = 0
    for name, der in keys():
        variants = {"": der, "_cut": der[: len(der) // 2], "_extended": der + b"\0",
                    "_primitive_tag": b"\x10" + der[1:]}
        for suffix, data in variants.items():
            with open(os.path.join(OUT, f"{name}{suffix}.bin"), "wb") as f:
                f.write(data)
            written += 1
    if written == 0:
        sys.exit("no keys found in " + KEYS)
    print(f"wrote {written} files to {OUT}")


if __name__ == "__main__":
    main()
