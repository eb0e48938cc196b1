from piasite.cli import run

run()
