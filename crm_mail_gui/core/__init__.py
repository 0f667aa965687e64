"""Qt-free core: server names, settings, storage, SMTP delivery and failure kinds."""
