"""legation: military diplomacy and soft power — a sourced engagement ledger and its measures."""

__version__ = "0.1.0"
