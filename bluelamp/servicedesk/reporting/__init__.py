"""The team leader's dashboard: live queues, at-risk and breached tickets, weekly KPIs, trend
charts and exports. Reads only; the figures come from reporting.selectors."""
