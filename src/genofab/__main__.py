"""``python -m genofab``: the command line."""

from genofab.views.cli import main

main()
