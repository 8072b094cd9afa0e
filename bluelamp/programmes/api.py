"""What other domains may use of programmes. (Its pages, REST API, jobs and demo data plug
themselves in through bluelamp/programmes/plugins.py, so nothing here is for those.)"""

from bluelamp.programmes.models import Cohort, Place, Programme
from bluelamp.programmes.selectors import places_of

__all__ = ["Cohort", "Place", "Programme", "places_of"]
