"""Detect the outgoing server from a mail address: presets, autoconfig, ISPDB, MX, SRV, guesses."""
