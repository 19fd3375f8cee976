"""``python -m papikit``: see :mod:`papikit.cli`."""

import sys

from papikit.cli import main

sys.exit(main())
