"""Major incidents: declaring one on a P1 ticket, the gold group, the timeline and service notices."""
