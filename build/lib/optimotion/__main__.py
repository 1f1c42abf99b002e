"""`python -m optimotion`: the command line."""
from optimotion.cli import console

console()
