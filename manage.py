#!/usr/bin/env python
"""Django's command-line utility for the registry."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from config.faults import run_command_line

    run_command_line(sys.argv)


if __name__ == "__main__":
    main()
