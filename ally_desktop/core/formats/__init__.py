"""File formats contacts travel in: Ally's own CSV, other programs' CSVs, and vCard.

Each module turns a contact into the cells (or card) of one format and back. None of
them touches the store or a file: reading files, detecting formats, streaming and
writing atomically live in ``core.transfer``; the store's rows are read and written
there too. Everything here is plain data in, plain data out, so each format is tested
on its own.
"""
