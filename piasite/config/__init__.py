"""One city's settings (mkdocs.yml read once per command, with its limits: settings.py, limits.py), the
site's layout (navigation, reserved names, URLs: layout.py) and where the templates are (resources.py).
Imports only piasite.core."""
