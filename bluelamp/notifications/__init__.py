"""Notifications: every e-mail Bluelamp sends is queued here and delivered by a background task,
after the action that caused it has committed. A foundation service: it knows no domain."""
