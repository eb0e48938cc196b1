"""One city's settings (mkdocs.yml read once), the limits and where the tool's resources are.
Imports only piasite.core."""
