#!/usr/bin/env python3
"""Race a guest's path resolution, until the file STOP exists:
   swap.py STOP link DIR   make DIR/swap a directory, then a symlink to
                           ../outside, then the directory again, ...
                           (DIR/swap.d and DIR/swap.l hold them meanwhile)
   swap.py STOP move A B   move directory A to B and back, again and again
It stops by itself (no signal: a python3 shim would not pass one on),
and leaves everything as it found it.  STOP.running appears once it
runs; at the end it prints the rounds it made.
"""
import os
import sys


def main():
    stop, mode = sys.argv[1], sys.argv[2]
    if mode == "link":
        d = sys.argv[3]
        pairs = [(d + "/swap.d", d + "/swap"), (d + "/swap", d + "/swap.d"),
                 (d + "/swap.l", d + "/swap"), (d + "/swap", d + "/swap.l")]
    else:
        a, b = sys.argv[3], sys.argv[4]
        pairs = [(a, b), (b, a)]
    rounds = 0
    while not os.path.exists(stop):
        for _ in range(100):
            for src, dst in pairs:
                os.rename(src, dst)
        if not rounds:
            open(stop + ".running", "w").close()
        rounds += 100
    print(rounds)


if __name__ == "__main__":
    main()
