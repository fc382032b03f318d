"""`python -m maillage`: the command line."""

import sys

from maillage.commands.cli import main

sys.exit(main())
