"""``python -m phala_spec``: the same as the ``phala-spec`` command."""

import sys

from .cli import main

sys.exit(main())
