#!/usr/bin/env python3
"""What an analyst would otherwise write: the portfolio computed with the
standard library's csv and decimal, for comparison with `deal eval`.

    reference.py TERMS_CSV SALES_CSV OUT_CSV

Same rules as dealterms: each payment rounded once to the cent (half to
even); a cap pays the remainder in the period that reaches it; marginal
bands on the cumulative revenue; a negative revenue pays nothing.
"""
import csv
import sys
from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal("0.01")
ZERO = Decimal(0)


def main() -> None:
    terms_path, sales_path, out_path = sys.argv[1:4]
    with open(terms_path, newline="") as f:
        terms = {row["deal"]: row for row in csv.DictReader(f)}
    state = {}
    with open(sales_path, newline="") as f, open(out_path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["deal", "period", "party", "amount"])
        for row in csv.DictReader(f):
            deal = row["deal"]
            term = terms[deal]
            basis = max(Decimal(row["revenue"]), ZERO)
            paid, cumulative = state.get(deal, (ZERO, ZERO))
            if term["kind"] == "capped":
                raw = (Decimal(term["rate"]) / 100 * basis).quantize(CENT, ROUND_HALF_EVEN)
                amount = max(min(raw, Decimal(term["cap"]) - paid), ZERO)
            else:
                bands = [
                    (Decimal(term["rate"]) / 100, Decimal(term["bound1"])),
                    (Decimal(term["rate2"]) / 100, Decimal(term["bound2"])),
                    (Decimal(term["rate3"]) / 100, None),
                ]
                start, end, lower, raw = cumulative, cumulative + basis, ZERO, ZERO
                for rate, upper in bands:
                    low, high = max(start, lower), end if upper is None else min(end, upper)
                    if high > low:
                        raw += rate * (high - low)
                    if upper is not None:
                        lower = upper
                amount = raw.quantize(CENT, ROUND_HALF_EVEN)
            state[deal] = (paid + amount, cumulative + basis)
            writer.writerow([deal, row["period"], "Partner", f"{amount:.2f}"])


if __name__ == "__main__":
    main()
