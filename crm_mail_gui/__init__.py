"""crm-mail-gui: set up and test the outgoing mail server (SMTP) of a CRM."""

__version__ = "0.1.0"
APP_NAME = "crm-mail-gui"
