#!/usr/bin/env python3
"""Generates a portfolio for benchmarking: N agreements (a capped revenue
share, or three marginal bands) as .deal files, the same terms as a table
for the reference script, and a long-form monthly series for every deal.

    generate.py OUT_DIR DEALS MONTHS
"""
import os
import random
import sys


def main() -> None:
    out, deals, months = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(42)
    os.makedirs(os.path.join(out, "deals"), exist_ok=True)
    with open(os.path.join(out, "terms.csv"), "w") as terms, open(os.path.join(out, "sales.csv"), "w") as sales:
        terms.write("deal,kind,rate,cap,bound1,rate2,bound2,rate3\n")
        sales.write("deal,period,revenue\n")
        for i in range(deals):
            name = f"d{i:06d}"
            if i % 3 == 2:
                r1, r2, r3 = rng.choice([30, 25]), rng.choice([20, 15]), rng.choice([10, 5])
                b1, b2 = rng.randrange(5, 50) * 1_000_000, rng.randrange(60, 200) * 1_000_000
                clause = f"share {r1}% of revenue to Partner up to {b1}, {r2}% up to {b2}, {r3}% above"
                terms.write(f"{name},bands,{r1},,{b1},{r2},{b2},{r3}\n")
            else:
                rate, cap = rng.randrange(5, 31), rng.randrange(5, 60) * 1_000_000
                clause = f"share {rate}% of revenue to Partner cap {cap}"
                terms.write(f"{name},capped,{rate},{cap},,,,\n")
            with open(os.path.join(out, "deals", name + ".deal"), "w") as deal:
                deal.write(
                    f'agreement "{name}" {{\n  parties Company, Partner\n  payer Company\n\n'
                    f"  revenue-share: {clause}\n}}\n"
                )
            for month in range(months):
                cents = rng.randrange(50_000_000, 500_000_000)
                sales.write(f"{name},{2015 + month // 12}-{month % 12 + 1:02d},{cents // 100}.{cents % 100:02d}\n")


if __name__ == "__main__":
    main()
