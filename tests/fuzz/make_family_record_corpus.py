#!/usr/bin/env python3
"""Writes tests/fuzz/corpus/family_record/*.bin deterministically (standard
library only): for each checker of family_record_fuzzer.cc (first octet 0
logo URL, 1 evidence URL, 2 TLS-RPT URI, 3 MTA-STS mx pattern), values it
accepts and values one octet away from them."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "family_record")

SEEDS = {
    0: ["https://brand.example.com/logo.svg", "https://b.example.com:8443/a/b/LOGO.SVGZ?v=1#x",
        "", "http://brand.example.com/logo.svg", "https://brand.example.com/logo.png",
        "https://brand.example.com/lo;go.svg", "https://brand..example.com/logo.svg",
        "https://brand.example.com/l%2Co.svg", "https://xn--brnd-5qa.example/l.svg"],
    1: ["https://brand.example.com/vmc.pem", "", "https://brand.example.com/a b.pem",
        "ftp://brand.example.com/vmc.pem", "https://[2001:db8::1]/vmc.pem"],
    2: ["mailto:tlsrpt@reports.example.com", "https://reports.example.com/tlsrpt",
        "MAILTO:a@x.example", "mailto:a@x.example!10m", "mailto:a,b@x.example",
        "mailto:@x.example", "https://reports.example.com/a;b", "mailto:a@x.example.",
        "mailto:a@x.example?subject=x"],
    3: ["mx1.example.com", "*.mail.example.net", "MX.Example.COM.", "mx.*.example.com",
        "*", "*.com", "-mx.example.com", "mx_1.example.com", "a" * 64 + ".example.com",
        ".example.com", "mx..example.com"],
}


def main():
    os.makedirs(OUT, exist_ok=True)
    n = 0
    for checker, values in SEEDS.items():
        for i, value in enumerate(values):
            with open(os.path.join(OUT, f"seed_{checker}_{i:02d}.bin"), "wb") as f:
                f.write(bytes([checker]) + value.encode())
            n += 1
    print(f"{n} seeds in {OUT}")


if __name__ == "__main__":
    main()
