"""Pages for training administrators (learning.manage) and line managers.

Training administrators manage the courses of the organisations they administer in full (the
national body's for national courses) and enrol the people in their scope on any course those
people may take. Line managers see and enrol their direct reports. To anyone else these pages
do not exist (404), and "not yours" looks exactly like "missing".

By what the pages are about: `courses` (and their versions), `activities` (of a draft, SCORM
packages included), `enrolments` (people, a unit, a CSV file), `team` (line managers); what
several of them need is in `_common`.
"""
