"""An assessment read from content/: the YAML reader with its line table, names and their readings.
Imports forms, config and core."""
