"""A brief as HTML (jinja2 templates, charts inline as SVG, the style sheet inline) and as PDF
(weasyprint), on A4 or US Letter. Fully offline: the HTML references nothing outside itself."""

from __future__ import annotations

import base64
import re
from importlib import resources
from pathlib import Path
from typing import Literal

from legation.errors import InvalidValueError
from legation.report.brief import Brief

Paper = Literal["a4", "letter"]
PAPERS: dict[str, str] = {"a4": "A4", "letter": "letter"}
"""CSS page sizes by the names the command line and the API take."""


def _paper(paper: str) -> str:
    try:
        return PAPERS[paper.lower()]
    except KeyError:
        raise InvalidValueError(f"paper {paper!r}: use one of {', '.join(PAPERS)}") from None


def html(brief: Brief, paper: str = "a4", *, charts_as_images: bool = False) -> str:
    """The brief as one self-contained HTML document: charts inline as SVG (their text searchable),
    or, with ``charts_as_images``, as SVG data URIs in ``<img>`` (what the PDF renderer lays out
    fastest: the charts' nodes then take no part in the page's styling)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("legation.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    css = resources.files("legation.report").joinpath("report.css").read_text(encoding="utf-8")
    page = env.get_template("brief.html.j2").render(
        brief=brief, css=css.replace("@PAPER@", _paper(paper)), svg=_image if charts_as_images else _inline
    )
    return page


def _inline(svg: str) -> str:
    """An SVG from `figures` ready to sit in HTML: no metadata block (it names external vocabularies)."""
    return re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)


def _image(svg: str) -> str:
    data = base64.b64encode(_inline(svg).encode("utf-8")).decode("ascii")
    return f'<img class="svg-image" alt="" src="data:image/svg+xml;base64,{data}">'


def pdf(brief: Brief, paper: str = "a4") -> bytes:
    """The brief as PDF bytes (weasyprint; nothing is fetched: the HTML holds everything)."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    inline_only = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)  # nothing from outside
    document = weasyprint.HTML(
        string=html(brief, paper, charts_as_images=True), base_url=None, url_fetcher=inline_only
    )
    out: bytes = document.write_pdf()
    return out


def write(brief: Brief, path: str | Path, paper: str = "a4") -> Path:
    """Write the brief to ``path``: PDF for ``.pdf``, HTML for ``.html``/``.htm``."""
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix == ".pdf":
        out.write_bytes(pdf(brief, paper))
    elif suffix in (".html", ".htm"):
        out.write_text(html(brief, paper), encoding="utf-8")
    else:
        raise InvalidValueError(f"{out}: write a brief to a .pdf or .html file")
    return out
