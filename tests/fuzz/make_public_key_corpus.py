#!/usr/bin/python3
"""Writes tests/fuzz/corpus/public_key/*.bin deterministically (standard
library only): every key of policy/dkim/test_keys.h as DER (RSA SubjectPublicKeyInfo
and PKCS#1 of several sizes, RSA-PSS, Ed25519, EC P-256), and each of them
cut short, extended, with its sequence tag made primitive, and with its
outer length one octet longer than DER allows; the RSA SubjectPublicKeyInfos
also without the NULL parameters (valid DER the fast reader takes)."""
import base64
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(HERE, "..", "..", "policy", "dkim", "test_keys.h")
RSA_ENCRYPTION_NULL = bytes.fromhex("06092a864886f70d0101010500")
OUT = os.path.join(HERE, "corpus", "public_key")


def keys():
    text = open(KEYS).read()
    for name, body in re.findall(r"inline constexpr char (k\w+)\[\] =\s*((?:\"[^\"]*\"\s*)+);", text):
        b64 = "".join(re.findall(r"\"([^\"]*)\"", body))
        try:
            yield name, base64.b64decode(b64, validate=True)
        except ValueError:
            continue


def header(tag, length):
    """A DER identifier octet and length in the shortest form."""
    if length < 0x80:
        return bytes([tag, length])
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(octets)]) + octets


def split(der):
    """(tag, contents, rest) of the element `der` starts with."""
    if der[1] < 0x80:
        return der[0], der[2:2 + der[1]], der[2 + der[1]:]
    k = der[1] & 0x7f
    n = int.from_bytes(der[2:2 + k], "big")
    return der[0], der[2 + k:2 + k + n], der[2 + k + n:]


def long_length(der):
    """The outer length with a leading zero octet (or the long form for a short one)."""
    _, contents, rest = split(der)
    octets = len(contents).to_bytes((len(contents).bit_length() + 7) // 8, "big")
    return bytes([der[0], 0x80 | (len(octets) + 1), 0]) + octets + contents + rest


def without_parameters(der):
    """An rsaEncryption SubjectPublicKeyInfo with its NULL parameters left out, or None."""
    _, body, _ = split(der)
    if body[:2] != b"\x30\x0d" or body[2:15] != RSA_ENCRYPTION_NULL:
        return None
    body = header(0x30, 11) + RSA_ENCRYPTION_NULL[:11] + body[15:]
    return header(0x30, len(body)) + body


def main():
    os.makedirs(OUT, exist_ok=True)
    written = 0
    for name, der in keys():
        variants = {"": der, "_cut": der[: len(der) // 2], "_extended": der + b"\0",
                    "_primitive_tag": b"\x10" + der[1:]}
        if len(der) > 2 and der[0] == 0x30:
            variants["_long_length"] = long_length(der)
        if without_parameters(der) is not None:
            variants["_no_parameters"] = without_parameters(der)
        for suffix, data in variants.items():
            with open(os.path.join(OUT, f"{name}{suffix}.bin"), "wb") as f:
                f.write(data)
            written += 1
    if written == 0:
        sys.exit("no keys found in " + KEYS)
    print(f"wrote {written} files to {OUT}")


if __name__ == "__main__":
    main()
