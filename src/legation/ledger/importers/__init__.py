"""Importers that map published datasets into the ledger, one module per source family."""
