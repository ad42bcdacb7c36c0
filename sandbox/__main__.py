"""Runs the sandbox: `python -m sandbox --port 8081`."""

from __future__ import annotations

import sys

from sandbox.server import main

sys.exit(main())
