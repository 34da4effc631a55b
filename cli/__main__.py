"""``python -m cli`` runs the command line (same as ``begegnungsatlas``)."""

from cli import main

raise SystemExit(main())
