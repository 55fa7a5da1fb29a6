"""``python -m kzgame``: the ``kzgame`` command (:mod:`kzgame.io.cli`)."""

from .io.cli import main

raise SystemExit(main())
