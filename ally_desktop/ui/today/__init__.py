"""Today, the home view: who is due, drifting, having a birthday, new, and the balance of
help with the people you lean on most."""
