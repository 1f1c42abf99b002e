#!/usr/bin/env python3
"""`python animate.py saddle` in a clone: the `animate` command (optimotion.cli).

Set up first with `pip install -e .` (the README's first command does it).
"""
import sys

try:
    from optimotion.cli import console
except ModuleNotFoundError as missing:
    if missing.name != "optimotion":
        raise
    sys.exit("animate.py: error: optimotion is not installed in this Python; in this folder run "
             "`pip install -e .` (or the README's first command), then try again")

if __name__ == "__main__":
    console()
