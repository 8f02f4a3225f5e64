#!/usr/bin/env python3
"""Checks that `deal eval` and the reference script agree to the cent:
sums the amount per deal, period and party in each output.

    compare.py DEAL_CSV REFERENCE_CSV
"""
import csv
import sys
from collections import defaultdict
from decimal import Decimal


def totals(path: str) -> dict:
    sums = defaultdict(Decimal)
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            sums[(row["deal"], row["period"], row["party"])] += Decimal(row["amount"])
    return sums


def main() -> None:
    ours, theirs = totals(sys.argv[1]), totals(sys.argv[2])
    keys = set(theirs) | {k for k, v in ours.items() if v}
    differ = [k for k in keys if ours.get(k, Decimal(0)) != theirs.get(k, Decimal(0))]
    if differ:
        for key in sorted(differ)[:10]:
            print(f"differ: {key}: deal {ours.get(key)} reference {theirs.get(key)}")
        sys.exit(1)
    print(f"identical: {len(theirs)} payments")


if __name__ == "__main__":
    main()
