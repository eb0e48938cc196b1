"""The ground floor: errors, problems, values, dates, text checks, markup and the safe readers and writers.
Imports nothing else of piasite."""
