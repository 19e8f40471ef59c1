"""`python -m ally_desktop` is the same as the `ally` command."""

import sys

from ally_desktop.cli import main

sys.exit(main())
