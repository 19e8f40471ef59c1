"""The Contacts view: list, search, filters, detail pane, editor, trash."""
