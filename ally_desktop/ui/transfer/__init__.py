"""Export and import in the window: dialogs over core.transfer, run off the GUI thread.

``jobs`` runs a core function on a worker thread with progress and a cancel button,
``export_dialog`` asks what to write where, ``import_dialog`` walks through a file
(``file_page``: format, columns and preview; ``problems_page``: rows that cannot be
read; ``duplicates_page``: people already in Ally), ``commands`` makes an import one
undoable step, and ``drops`` says which dropped files can be imported.
"""
