#!/usr/bin/env python3
"""Compares two leakprobe dumps (tools/leakprobe.c): the callers whose live bytes grew between
them, each named by library and (through addr2line) function. Usage:
    leakprobe-diff.py before.txt after.txt [openings between them]"""
import bisect
import subprocess
import sys


def load(path):
    callers, maps, in_maps = {}, [], False
    for line in open(path):
        if line.startswith("MAPS"):
            in_maps = True
        elif in_maps:
            parts = line.split()
            if len(parts) >= 6 and "x" in parts[1]:
                start, end = (int(x, 16) for x in parts[0].split("-"))
                maps.append((start, end, int(parts[2], 16), parts[5]))
        else:
            addr, size, count = line.split()
            callers[int(addr, 16)] = (int(size), int(count))
    return callers, sorted(maps)


def main():
    before, _ = load(sys.argv[1])
    after, maps = load(sys.argv[2])
    openings = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    starts = [m[0] for m in maps]
    growth = []
    for addr, (size, count) in after.items():
        old_size, old_count = before.get(addr, (0, 0))
        if size != old_size:
            growth.append((size - old_size, count - old_count, addr))
    growth.sort(reverse=True)
    total = sum(g[0] for g in growth)
    print(f"live bytes grew by {total} ({total / openings:.0f} per opening) over {openings} openings")
    by_library = {}
    rows = []
    for delta, count, addr in growth[:40]:
        i = bisect.bisect_right(starts, addr) - 1
        library, where = "?", "?"
        if i >= 0 and maps[i][0] <= addr < maps[i][1]:
            start, _, offset, library = maps[i]
            vaddr = addr - start + offset
            try:
                out = subprocess.run(["addr2line", "-f", "-C", "-e", library, hex(vaddr)],
                                     capture_output=True, text=True, timeout=60).stdout.split("\n")
                where = f"{out[0]} {out[1].rsplit('/', 1)[-1]}"
            except Exception as e:  # noqa: BLE001 - a diagnostic: say what failed
                where = f"(addr2line: {e})"
        rows.append((delta, count, library, where))
    for delta, count, addr in growth:
        i = bisect.bisect_right(starts, addr) - 1
        library = maps[i][3] if i >= 0 and maps[i][0] <= addr < maps[i][1] else "?"
        by_library[library] = by_library.get(library, 0) + delta
    print("\nby library (bytes per opening):")
    for library, delta in sorted(by_library.items(), key=lambda kv: -kv[1]):
        print(f"  {delta / openings:10.0f}  {library}")
    print("\nlargest callers (bytes per opening, allocations per opening, library, function):")
    for delta, count, library, where in rows:
        print(f"  {delta / openings:10.0f} {count / openings:7.1f}  {library.rsplit('/', 1)[-1]}  {where}")


main()
