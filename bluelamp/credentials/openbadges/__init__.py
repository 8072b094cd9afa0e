"""Open Badges 3.0 credentials: keys, documents, Data Integrity proofs and status lists.

A library of plain functions for the credentials domain; it knows nothing of Django models
or other Bluelamp domains and takes everything it needs as arguments (see README.md).
"""
