"""Curation: register your own source texts and turn a table of claims into a qegraph module.

Two parts, one per step of the workflow:

- :mod:`qegraph.curation.sources` registers a text file as a ``qe:SourceDocument`` whose
  passages are split like the bundled ones (paragraph *n* is the *n*-th non-empty line);
- :mod:`qegraph.curation.claims` reads a CSV/TSV table of claims (and one of new concepts),
  checks every row against the graph and writes the direct edges, the ``qe:Claim`` nodes and
  the key phrases in deterministic Turtle.

Nothing is imported here, so ``import qegraph.curation`` costs nothing; import the submodules.
"""
