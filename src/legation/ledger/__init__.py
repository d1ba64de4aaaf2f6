"""The ledger: a DuckDB file of sources, states, groups and sourced engagements."""

from legation.ledger.export import to_import_format, write
from legation.ledger.importing import ImportReport, import_file, import_frame
from legation.ledger.sample import load_sample, sample_path
from legation.ledger.sources import Source
from legation.ledger.store import Ledger, default_path

__all__ = [
    "ImportReport",
    "Ledger",
    "Source",
    "default_path",
    "import_file",
    "import_frame",
    "load_sample",
    "sample_path",
    "to_import_format",
    "write",
]
