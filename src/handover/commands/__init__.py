"""The commands, one module per family, imported only when one of them runs (see cli.py)."""
