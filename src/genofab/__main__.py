"""``python -m genofab``: the command line."""

from genofab.views.cli import main

if __name__ == "__main__":  # not again in a process the scheduler starts (spawn)
    main()
