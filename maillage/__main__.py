"""`python -m maillage`: the command line."""

import sys

from maillage.cli import main

sys.exit(main())
