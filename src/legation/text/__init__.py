"""Text → engagements: candidate engagements read from news and statements, offline.

`read` turns files into documents, `extract` proposes `Candidate` engagements with their evidence,
`review` writes them for an analyst to accept, and `evaluate` scores the extractor on a labelled
set. Built on spaCy's blank English pipeline and rule matchers: no model is downloaded, nothing
touches the network. See docs/text.md.
"""

from legation.text.extract import Candidate, Extractor, extract
from legation.text.read import Document, read

__all__ = ["Candidate", "Document", "Extractor", "extract", "read"]
