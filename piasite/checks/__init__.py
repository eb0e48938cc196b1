"""What `piasite check` finds: the document against its form, counts, evaluation thresholds, lifecycle,
and load.py that reads and checks a whole content/ folder. Imports model and below."""
