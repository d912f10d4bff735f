"""Entry point from a checkout: `python cli.py solve scenarios/yunnan_2024.yaml` runs what the
installed `siting` command runs (see siting/cli.py)."""

import sys

from siting.cli import main

if __name__ == "__main__":
    sys.exit(main())
