"""Persistence: Peewee models on one SQLite file, migrations, the search index. No Qt here.

Importing this package imports nothing heavy; import the submodule you need.
"""
