"""`python -m siting solve scenarios/yunnan_2024.yaml`: the installed `siting` command
(siting/__init__.py `_command_line`), for a Python whose scripts folder is not on the PATH."""

import sys

from siting import _command_line

sys.exit(_command_line())
