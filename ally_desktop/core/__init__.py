"""Domain logic: contacts, their details and connections, queries, demo data. No Qt here."""
