"""Working time: when work is done (working days and hours, bank holidays, extra closures) and
arithmetic in it. A foundation service: the service desk's SLAs, and any domain's due dates,
notice periods or cut-offs, count in working time through `bluelamp.workingtime.api`."""
