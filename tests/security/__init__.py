"""Adversarial tests, one file per promise of SECURITY.md: each attack an untrusted party
(a pull request's author, content, a commit message, imported text, a folder name) can make,
played against the real commands, and the promise it must not break."""
