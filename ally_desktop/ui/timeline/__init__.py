"""The Timeline view: every interaction, newest first, and the dialog that logs one."""
