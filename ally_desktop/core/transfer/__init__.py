"""Moving contacts between Ally and files: export jobs and all-or-nothing imports.

``text_files`` decodes what other programs wrote, ``csv_tables`` splits it into rows,
``detect`` names the format, ``outgoing`` streams stored contacts out in batches,
``exporting`` writes a file atomically with progress and cancel, ``reading`` turns a
file into contacts and problems, and ``importing`` plans (duplicates) and applies an
import in one transaction, and takes it back. The formats themselves live in
``core.formats``.
"""
