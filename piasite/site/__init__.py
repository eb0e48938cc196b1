"""The page tree for an engine: one render context, assessment pages, indexes, history pages, evaluation
pages, open data and guides. Imports history, importer and below (never an engine)."""
