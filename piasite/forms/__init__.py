"""The forms as data: each 様式 is a YAML definition here (kihon/juten/zenkomoku…); form.py reads them into
the item tree with roles, and schema.py derives JSON Schema. Imports config and core."""
