"""Identity checks before password resets and challenge-response codes, and checking a code read back."""
