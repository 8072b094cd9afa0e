"""Inbound e-mail: a message piped in or read from the desk's IMAP mailbox becomes a ticket or a reply."""
