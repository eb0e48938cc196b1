"""The assessments' past from git: git plumbing, trailers, the blob cache, versions, the item diff,
the change log, and the withheld ledger. Imports checks and below."""
