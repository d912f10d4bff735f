"""Entry point: `python cli.py solve scenarios/yunnan_2024.yaml`."""

import sys

from siting.cli import main

if __name__ == "__main__":
    sys.exit(main())
