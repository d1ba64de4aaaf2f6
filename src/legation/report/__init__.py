"""Briefs an analyst can hand to a minister: country, dyad and scenario briefs as HTML and PDF.

    from legation.report import country_brief, render
    brief = country_brief(led, 750, 2010)      # sections of text, tables (polars) and SVG figures
    brief.frames()["patrons"]                  # the same numbers for a notebook
    render.write(brief, "ind.pdf", paper="a4")

See docs/reports.md.
"""

from legation.report.brief import Brief, Figure, Section, Table
from legation.report.context import Context
from legation.report.country import country_brief
from legation.report.dyad import dyad_brief

__all__ = ["Brief", "Context", "Figure", "Section", "Table", "country_brief", "dyad_brief"]
