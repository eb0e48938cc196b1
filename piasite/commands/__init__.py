"""One module per verb of the command line (diff, comment, export, init/new, serve, …); cli.py is the thin
click layer over them. Imports everything below."""
