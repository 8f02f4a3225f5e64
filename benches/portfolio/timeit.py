#!/usr/bin/env python3
"""Times whole commands, alternating them, and prints each median and how
many times faster each is than the last (the baseline):
`timeit.py RUNS CMD1 ... BASELINE` (each command one string of words).

Each command is run directly, not through a shell (whose start-up, a
millisecond or two, would be timed with it), its standard output thrown
away."""
import shlex
import statistics
import subprocess
import sys
import time


def main() -> None:
    runs, commands = int(sys.argv[1]), sys.argv[2:]
    times = {c: [] for c in commands}
    words = {c: shlex.split(c) for c in commands}
    for _ in range(runs):
        for command in commands:
            start = time.perf_counter()
            subprocess.run(words[command], stdout=subprocess.DEVNULL, check=True)
            times[command].append(time.perf_counter() - start)
    medians = {c: statistics.median(t) for c, t in times.items()}
    for command, median in medians.items():
        print(f"{median:9.3f} s median of {runs}  {command}")
    # Each command against the last (the baseline), all measured in this run.
    last = commands[-1]
    for command in commands[:-1]:
        print(f"ratio: {medians[last] / medians[command]:.1f}x faster than the last  ({command})")


if __name__ == "__main__":
    main()
