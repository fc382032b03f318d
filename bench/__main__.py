"""`python -m bench`: the same as `python -m maillage bench`."""

import sys

from bench.run import main

sys.exit(main())
