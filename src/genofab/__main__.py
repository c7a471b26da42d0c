"""``python -m genofab``: the command line."""

from genofab.views.cli import main

if __name__ == "__main__":  # not when imported (e.g. by a multiprocessing child)
    main()
