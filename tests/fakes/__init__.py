"""Real servers and backends the tests talk to: SMTP (aiosmtpd, raw-socket faults), OAuth2, keyrings."""
