"""The benchmarks' child programs: each module is one fresh process per measurement.

The harness (``benchmarks/harness.py``) starts them as ``python -m children.NAME RESULT.json KIND ARG...``
from ``benchmarks/``, with the side's ``src`` first on ``PYTHONPATH``. They call only legation's public,
high-level API, each call in one small function near the top, so that the same child runs on an
older tree (``--baseline``) and on the current one.
"""
