"""`python -m optimotion`: the command line."""
import sys

from optimotion.cli import main

sys.exit(main())
