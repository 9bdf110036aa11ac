"""``python -m rolegraph.cli``: the `rolegraph` command."""

import sys

from rolegraph.cli.main import main

sys.exit(main())
