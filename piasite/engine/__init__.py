"""Running a static-site engine (MkDocs + Material, or Zensical) over the page tree, filling the bodies in,
Pagefind's index and the atomic swap into site/. Imports site and below."""
