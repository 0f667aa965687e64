"""`python -m crm_mail_gui`: the same as the `crm-mail-gui` command."""

import sys

from crm_mail_gui.cli import main

sys.exit(main())
