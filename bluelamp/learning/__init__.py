"""Learning: the catalogue, courses and their versions, SCORM e-learning, enrolment, progress
and the learner record. Other domains use it through `bluelamp.learning.api`."""
