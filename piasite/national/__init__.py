"""The national view: many sites' open data in one SQLite database (harvest.py), published with Datasette
(metadata.py). fetch.py reads one site's api/, from a folder or the web, as untrusted input."""
