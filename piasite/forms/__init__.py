"""The forms as data: each 様式 is a YAML definition here (kiso/juten/zenkoumoku…). definition.py reads one
into a Form (form.py; its item tree in items.py, addressing in anchors.py, roles in roles.py, value helpers
in values.py); registry.py finds a form by name over a search path (these, then a city's forms/);
schema.py derives JSON Schema. Imports config and core."""
