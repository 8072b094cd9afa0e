"""The satisfaction survey sent on resolution: three questions, one response per ticket.

Reached by the signed-in requester from their ticket page, or from the "resolved" e-mail by a
signed link that needs no sign-in (`links`). Figures per week are reporting's.
"""
