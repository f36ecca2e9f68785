"""``python -m ormprobe`` runs the command line."""

from ormprobe.cli import main

if __name__ == "__main__":
    main(prog_name="ormprobe")
