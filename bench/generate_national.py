"""Generate a synthetic national HR dataset for benchmarking the people import.

44 organisations (the national body and the 43 Home Office forces), 236,000 people by default,
shared out roughly by each force's real workforce size. Each force gets a three-level unit tree
(divisions/BCUs and headquarters → stations/departments → teams), a realistic mix of ranks and
grades, a reporting-line hierarchy rooted at the chief officer (no loops, managers always in the
same force), start dates and about 3% leavers.

Everything is derived from --seed, so the same arguments always give byte-identical files. Every
name, number and address is invented.

    .venv/bin/python bench/generate_national.py                 # bench/out/<slug>.csv, 44 files
    .venv/bin/python bench/generate_national.py --combined      # also bench/out/combined/all.csv
    .venv/bin/python bench/generate_national.py --people 20000 --out /tmp/small --seed 7
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORCES_CSV = ROOT / "bluelamp" / "organisations" / "data" / "forces_43.csv"
DEFAULT_OUT = Path(__file__).resolve().parent / "out"
DEFAULT_PEOPLE = 236_000
HEADER = [
    "staff_number",
    "email",
    "first_name",
    "last_name",
    "unit",
    "rank",
    "job_role",
    "line_manager_staff_number",
    "start_date",
    "status",
]
NATIONAL_BODY = ("national", "National Policing Body")
# Dates are relative to a fixed day, not today, so that output does not change from day to day.
REFERENCE_DATE = dt.date(2025, 4, 1)
LEAVER_SHARE = 0.03

# Approximate total workforce (officers, staff, PCSOs, specials), summing to 236,000; scaled to
# --people, so only the proportions matter.
WORKFORCE = {
    "metropolitan": 34_000,
    "greater-manchester": 13_000,
    "west-midlands": 12_400,
    "west-yorkshire": 10_900,
    "thames-valley": 8_600,
    "kent": 7_400,
    "merseyside": 7_200,
    "essex": 7_100,
    "hampshire": 6_800,
    "lancashire": 6_400,
    "northumbria": 6_300,
    "avon-and-somerset": 6_300,
    "devon-and-cornwall": 6_200,
    "sussex": 5_900,
    "south-wales": 5_800,
    "south-yorkshire": 5_700,
    "west-mercia": 4_900,
    "nottinghamshire": 4_500,
    "hertfordshire": 4_500,
    "surrey": 4_400,
    "cheshire": 4_300,
    "leicestershire": 4_200,
    "humberside": 4_100,
    "derbyshire": 4_000,
    "staffordshire": 3_700,
    "norfolk": 3_500,
    "north-yorkshire": 3_300,
    "cambridgeshire": 3_200,
    "north-wales": 3_100,
    "cleveland": 2_900,
    "dorset": 2_800,
    "gwent": 2_700,
    "northamptonshire": 2_700,
    "suffolk": 2_600,
    "bedfordshire": 2_500,
    "lincolnshire": 2_500,
    "durham": 2_400,
    "dyfed-powys": 2_400,
    "wiltshire": 2_200,
    "gloucestershire": 2_100,
    "cumbria": 2_100,
    "warwickshire": 1_900,
    "city-of-london": 1_500,
    "national": 1_000,
}

MET_BCUS = [
    "Central West BCU",
    "Central North BCU",
    "Central South BCU",
    "Central East BCU",
    "North West BCU",
    "North Area BCU",
    "East Area BCU",
    "South East BCU",
    "South Area BCU",
    "South West BCU",
    "West Area BCU",
    "Central Area BCU",
]
DIVISION_NAMES = [
    "North Division",
    "South Division",
    "East Division",
    "West Division",
    "Central Division",
    "Coastal Division",
]
# Invented place names (syllables joined), so no real station is implied.
PLACE_HEADS = [
    "Ash", "Bar", "Bram", "Brook", "Cal", "Carn", "Chel", "Clay", "Dun", "Elm", "Fair", "Fen",
    "Glen", "Hart", "Hol", "Kel", "Kings", "Lang", "Mar", "Mill", "New", "Oak", "Pen", "Red",
    "Rock", "Sal", "Shep", "Stan", "Thorn", "Wal", "West", "Whit", "Wick", "Wood",
]  # fmt: skip
PLACE_TAILS = [
    "bury", "by", "caster", "combe", "don", "field", "ford", "gate", "ham", "hurst", "ley",
    "minster", "mouth", "port", "stead", "stow", "ton", "well", "wich", "worth",
]  # fmt: skip
FIRST_NAMES = [
    "Adam", "Aisha", "Alex", "Alice", "Amy", "Andrew", "Anna", "Ben", "Beth", "Callum", "Charlotte",
    "Chloe", "Chris", "Claire", "Connor", "Craig", "Daniel", "David", "Deborah", "Declan", "Dylan",
    "Ella", "Emily", "Emma", "Ethan", "Faisal", "Fiona", "Gareth", "Gemma", "George", "Grace",
    "Hannah", "Harry", "Helen", "Imran", "Isla", "Jack", "Jacob", "James", "Jamie", "Jane", "Jasmine",
    "Jessica", "Joanne", "John", "Jordan", "Joseph", "Josh", "Karen", "Kate", "Katie", "Kieran",
    "Laura", "Lauren", "Leah", "Lee", "Liam", "Lisa", "Louise", "Lucy", "Luke", "Mark", "Martin",
    "Matthew", "Megan", "Michael", "Mohammed", "Natalie", "Nathan", "Neil", "Nicola", "Oliver",
    "Olivia", "Owen", "Paul", "Priya", "Rachel", "Rebecca", "Rhys", "Richard", "Robert", "Ryan",
    "Sam", "Samantha", "Sarah", "Scott", "Sean", "Simon", "Sophie", "Stephen", "Steven", "Stuart",
    "Thomas", "Tom", "Victoria", "Wayne", "William", "Yasmin", "Zara", "Zoe",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Ali", "Allen", "Anderson", "Bailey", "Baker", "Barnes", "Bell", "Bennett", "Brown",
    "Butler", "Campbell", "Carter", "Chapman", "Clark", "Clarke", "Collins", "Cook", "Cooper", "Cox",
    "Davies", "Davis", "Dixon", "Edwards", "Ellis", "Evans", "Fisher", "Foster", "Gray", "Green",
    "Griffiths", "Hall", "Harris", "Harrison", "Hill", "Holmes", "Hughes", "Hunt", "Hussain",
    "Jackson", "James", "Jenkins", "Johnson", "Jones", "Kaur", "Kelly", "Khan", "King", "Knight",
    "Lee", "Lewis", "Lloyd", "Marshall", "Martin", "Mason", "Matthews", "Mills", "Mitchell", "Moore",
    "Morgan", "Morris", "Murphy", "Murray", "O'Brien", "Owen", "Palmer", "Parker", "Patel",
    "Pearson", "Phillips", "Powell", "Price", "Richards", "Richardson", "Roberts", "Robinson",
    "Rogers", "Russell", "Scott", "Shaw", "Simpson", "Singh", "Smith", "Stevens", "Stewart",
    "Taylor", "Thomas", "Thompson", "Turner", "Walker", "Ward", "Watson", "White", "Wilkinson",
    "Williams", "Wilson", "Wood", "Wright", "Young",
]  # fmt: skip

# Headquarters departments and their teams: (department, leader rank, leader role, [(team, kind)]).
HQ_DEPARTMENTS = [
    ("Crime Command", "Detective Chief Superintendent", "Head of Crime", [
        ("Major Crime Team", "crime"), ("Serious and Organised Crime Unit", "crime"),
        ("Economic Crime Unit", "crime"), ("Public Protection Unit", "crime"),
        ("Cyber Crime Unit", "crime"),
    ]),
    ("Operations", "Chief Superintendent", "Head of Operations", [
        ("Roads Policing Unit", "roads"), ("Firearms Unit", "roads"), ("Dog Section", "roads"),
        ("Operational Planning", "staff"),
    ]),
    ("Contact Management", "Police Staff Director", "Head of Contact Management", [
        ("Control Room A", "contact"), ("Control Room B", "contact"), ("Public Enquiry Desk", "contact"),
    ]),
    ("Criminal Justice", "Police Staff Senior Manager", "Head of Criminal Justice", [
        ("Custody Services", "custody"), ("Case Preparation", "staff"), ("Witness Care", "staff"),
    ]),
    ("Intelligence", "Detective Superintendent", "Head of Intelligence", [
        ("Force Intelligence Bureau", "crime"), ("Analysis Team", "staff"),
    ]),
    ("Forensic Services", "Police Staff Senior Manager", "Head of Forensic Services", [
        ("Crime Scene Investigation", "staff"), ("Digital Forensics", "staff"),
    ]),
    ("Professional Standards", "Superintendent", "Head of Professional Standards", [
        ("Complaints and Misconduct", "crime"), ("Vetting", "staff"),
    ]),
    ("People Services", "Police Staff Director", "Director of People", [
        ("HR Advisory", "staff"), ("Recruitment", "staff"), ("Occupational Health", "staff"),
    ]),
    ("Learning and Development", "Police Staff Senior Manager", "Head of Learning", [
        ("Initial Training", "trainers"), ("Leadership Development", "trainers"),
        ("Driver Training", "trainers"),
    ]),
    ("Finance", "Police Staff Director", "Director of Finance", [
        ("Payroll", "staff"), ("Procurement", "staff"), ("Financial Planning", "staff"),
    ]),
    ("Digital Services", "Police Staff Director", "Director of Digital Services", [
        ("Service Desk", "staff"), ("Infrastructure", "staff"), ("Applications", "staff"),
    ]),
]  # fmt: skip
NATIONAL_DEPARTMENTS = [
    ("Learning", "Police Staff Director", "Director of Learning", [
        ("Curriculum Design", "trainers"), ("Digital Learning", "staff"), ("Assessment", "staff"),
    ]),
    ("Standards", "Police Staff Director", "Director of Standards", [
        ("Authorised Professional Practice", "staff"), ("Research", "staff"),
    ]),
    ("Platform Services", "Police Staff Director", "Director of Platform Services", [
        ("Service Desk", "staff"), ("Engineering", "staff"), ("Content Operations", "staff"),
    ]),
    ("Corporate Services", "Police Staff Senior Manager", "Head of Corporate Services", [
        ("Finance", "staff"), ("People", "staff"), ("Communications", "staff"),
    ]),
]  # fmt: skip
STATION_TEAMS = [
    ("Response Team 1", "response"),
    ("Response Team 2", "response"),
    ("Response Team 3", "response"),
    ("Response Team 4", "response"),
    ("Response Team 5", "response"),
    ("Neighbourhood Policing Team", "neighbourhood"),
    ("CID", "crime"),
    ("Safeguarding Hub", "crime"),
    ("Custody Suite", "custody"),
    ("Station Support", "staff"),
]
# Team kinds: relative size, how members divide between (rank, job role) with weights, and the
# team leader's rank and role.
TEAM_KINDS = {
    "response": (
        1.3,
        [("Police Constable", "Response officer", 95), ("Special Constable", "Special constable", 5)],
        ("Sergeant", "Response sergeant"),
    ),
    "neighbourhood": (
        1.2,
        [
            ("Police Constable", "Neighbourhood officer", 55),
            ("Police Community Support Officer", "PCSO", 40),
            ("Special Constable", "Special constable", 5),
        ],
        ("Sergeant", "Neighbourhood sergeant"),
    ),
    "crime": (
        1.0,
        [
            ("Detective Constable", "Investigator", 55),
            ("Police Constable", "Trainee investigator", 15),
            ("Police Staff Scale 5", "Investigation officer", 30),
        ],
        ("Detective Sergeant", "Investigation supervisor"),
    ),
    "custody": (
        0.7,
        [
            ("Police Staff Scale 4", "Detention officer", 70),
            ("Police Constable", "Custody officer", 20),
            ("Police Staff Scale 3", "Custody support", 10),
        ],
        ("Sergeant", "Custody sergeant"),
    ),
    "roads": (
        0.8,
        [("Police Constable", "Specialist officer", 95), ("Police Staff Scale 3", "Support officer", 5)],
        ("Sergeant", "Unit sergeant"),
    ),
    "contact": (
        2.5,
        [
            ("Police Staff Scale 3", "Call handler", 60),
            ("Police Staff Scale 4", "Dispatcher", 30),
            ("Police Constable", "Control room officer", 10),
        ],
        ("Police Staff SO1", "Control room supervisor"),
    ),
    "staff": (
        1.0,
        [
            ("Police Staff", "Administrator", 20),
            ("Police Staff Scale 2", "Administrator", 15),
            ("Police Staff Scale 3", "Officer", 20),
            ("Police Staff Scale 4", "Officer", 15),
            ("Police Staff Scale 5", "Senior officer", 12),
            ("Police Staff Scale 6", "Specialist", 10),
            ("Police Staff SO2", "Team coordinator", 8),
        ],
        ("Police Staff PO1", "Team manager"),
    ),
    "trainers": (
        0.5,
        [
            ("Police Staff Scale 5", "Trainer", 50),
            ("Police Constable", "Trainer", 30),
            ("Police Staff Scale 3", "Training administrator", 20),
        ],
        ("Police Staff PO2", "Training manager"),
    ),
}
# Years of service at the least, by rank: a chief constable did not join last year.
MIN_SERVICE = {
    "Chief Constable": 22,
    "Commissioner": 25,
    "Deputy Commissioner": 22,
    "Deputy Chief Constable": 20,
    "Assistant Commissioner": 20,
    "Deputy Assistant Commissioner": 19,
    "Assistant Chief Constable": 18,
    "Commander": 18,
    "Chief Superintendent": 16,
    "Detective Chief Superintendent": 16,
    "Superintendent": 14,
    "Detective Superintendent": 14,
    "Chief Inspector": 10,
    "Inspector": 7,
    "Detective Inspector": 7,
    "Sergeant": 4,
    "Detective Sergeant": 4,
    "Police Staff Director": 8,
    "Police Staff Senior Manager": 6,
    "Police Staff PO2": 4,
    "Police Staff PO1": 3,
    "Police Staff SO1": 2,
}


@dataclass
class Person:
    staff_number: str
    email: str
    first_name: str
    last_name: str
    unit: str
    rank: str
    job_role: str
    manager: str  # the line manager's staff number, "" for the top of the force
    start_date: str
    status: str = "active"

    def row(self) -> list[str]:
        return [
            self.staff_number,
            self.email,
            self.first_name,
            self.last_name,
            self.unit,
            self.rank,
            self.job_role,
            self.manager,
            self.start_date,
            self.status,
        ]


@dataclass
class Team:
    path: str
    kind: str
    manager: Person | None = None  # whoever the team leader reports to
    size: int = 0


@dataclass
class _Force:
    slug: str
    name: str
    people: list[Person] = field(default_factory=list)


class _Builder:
    """Builds one organisation's people. Staff numbers are unique nationally; e-mail domains per force."""

    def __init__(self, rng: random.Random, slug: str, name: str, staff_numbers):
        self.rng = rng
        self.slug = slug
        self.name = name
        self.staff_numbers = staff_numbers
        self.emails: dict[str, int] = {}  # local part → how many have it
        self.domain = "met.police.uk" if slug == "metropolitan" else f"{slug}.police.uk"
        if slug == "national":
            self.domain = "national.policing.example"
        self.people: list[Person] = []
        self.may_leave: list[Person] = []  # no one reports to them

    def person(self, unit: str, rank: str, role: str, manager: Person | None, may_leave: bool = False):
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        local = f"{first}.{last}".lower().replace("'", "")
        # first.last@, then first.last2@, first.last3@ … as forces do.
        n = self.emails[local] = self.emails.get(local, 0) + 1
        email = f"{local}{n if n > 1 else ''}@{self.domain}"
        least = MIN_SERVICE.get(rank, 0)
        # Most people joined recently (the officer uplift of 2020–23); seniors have long service.
        years = least + min(rng.expovariate(1 / 7), 40 - least)
        start = REFERENCE_DATE - dt.timedelta(days=int(years * 365.25) + rng.randrange(30))
        p = Person(
            staff_number=next(self.staff_numbers),
            email=email,
            first_name=first,
            last_name=last,
            unit=unit,
            rank=rank,
            job_role=role,
            manager=manager.staff_number if manager else "",
            start_date=start.isoformat(),
        )
        self.people.append(p)
        if may_leave:
            self.may_leave.append(p)
        return p

    def build(self, size: int) -> list[Person]:
        rng = self.rng
        national = self.slug == "national"
        london = self.slug in ("metropolitan", "city-of-london")
        hq = "Headquarters"
        cog = f"{hq}/Chief Officer Group"
        # Chief officers.
        if national:
            chief = self.person(cog, "Police Staff Director", "Chief Executive", None)
            deputies = [chief]
        elif self.slug == "metropolitan":
            chief = self.person(cog, "Commissioner", "Commissioner", None)
            deputy = self.person(cog, "Deputy Commissioner", "Deputy Commissioner", chief)
            acs = [
                self.person(cog, "Assistant Commissioner", "Assistant Commissioner", deputy) for _ in range(4)
            ]
            deputies = [
                self.person(cog, "Deputy Assistant Commissioner", "Deputy Assistant Commissioner", ac)
                for ac in acs
                for _ in range(2)
            ]
            deputies += [self.person(cog, "Commander", "Commander", rng.choice(acs)) for _ in range(10)]
        elif london:
            chief = self.person(cog, "Commissioner", "Commissioner", None)
            deputies = [self.person(cog, "Assistant Commissioner", "Assistant Commissioner", chief)]
            deputies += [self.person(cog, "Commander", "Commander", deputies[0]) for _ in range(2)]
        else:
            chief = self.person(cog, "Chief Constable", "Chief Constable", None)
            deputy = self.person(cog, "Deputy Chief Constable", "Deputy Chief Constable", chief)
            deputies = [deputy] + [
                self.person(cog, "Assistant Chief Constable", "Assistant Chief Constable", deputy)
                for _ in range(1 if size < 2500 else 2 if size < 6000 else 3)
            ]
        self.person(cog, "Police Staff SO2", "Staff officer", chief)

        teams: list[Team] = []
        departments = NATIONAL_DEPARTMENTS if national else HQ_DEPARTMENTS
        for department, rank, role, department_teams in departments:
            if not national and size < 3000 and department in ("Forensic Services", "Intelligence"):
                continue  # small forces share these regionally
            head = self.person(f"{hq}/{department}", rank, role, rng.choice(deputies))
            teams += [Team(f"{hq}/{department}/{team}", kind, head) for team, kind in department_teams]

        if not national:
            if self.slug == "metropolitan":
                divisions = MET_BCUS
            else:
                divisions = DIVISION_NAMES[: max(3, min(6, 3 + size // 3000))]
            # About 55% of the force works in the divisions; ~25 people to a team.
            stations_per_division = max(2, round(size * 0.55 / 25 / len(STATION_TEAMS) / len(divisions)))
            places = self._place_names(len(divisions) * stations_per_division)
            for d, division in enumerate(divisions):
                commander = self.person(
                    division, "Chief Superintendent", "Division commander", rng.choice(deputies)
                )
                supers = [
                    self.person(division, "Superintendent", "Superintendent", commander)
                    for _ in range(1 + stations_per_division // 4)
                ]
                for s in range(stations_per_division):
                    station = f"{division}/{places[d * stations_per_division + s]}"
                    chief_inspector = self.person(
                        station, "Chief Inspector", "Station commander", supers[s % len(supers)]
                    )
                    # An inspector to each response shift, one for neighbourhoods, a DI for CID.
                    inspectors = {
                        team: self.person(station, "Inspector", "Duty inspector", chief_inspector)
                        for team, kind in STATION_TEAMS
                        if kind == "response"
                    }
                    inspectors["neighbourhood"] = self.person(
                        station, "Inspector", "Neighbourhood inspector", chief_inspector
                    )
                    inspectors["crime"] = self.person(
                        station, "Detective Inspector", "Investigations lead", chief_inspector
                    )
                    for team, kind in STATION_TEAMS:
                        if kind == "custody" and s % 3:
                            continue  # one custody suite to three stations
                        lead = inspectors.get(team) or inspectors.get(kind) or inspectors["neighbourhood"]
                        teams.append(Team(f"{station}/{team}", kind, lead))

        # Share what is left among the teams by their kind's weight (largest remainder).
        left = size - len(self.people)
        weights = [TEAM_KINDS[t.kind][0] * rng.uniform(0.8, 1.2) for t in teams]
        total = sum(weights)
        shares = [left * w / total for w in weights]
        for team, share in zip(teams, shares, strict=True):
            team.size = int(share)
        by_remainder = sorted(range(len(teams)), key=lambda i: shares[i] - int(shares[i]), reverse=True)
        for i in by_remainder[: left - sum(t.size for t in teams)]:
            teams[i].size += 1

        for team in teams:
            if team.size <= 0:
                continue
            members, (lead_rank, lead_role) = TEAM_KINDS[team.kind][1], TEAM_KINDS[team.kind][2]
            # One supervisor to about nine people.
            leads = [
                self.person(team.path, lead_rank, lead_role, team.manager)
                for _ in range(max(1, min(team.size, round(team.size / 10))))
            ]
            choices = [(rank, role) for rank, role, _ in members]
            cumulative = [w for _, _, w in members]
            picks = rng.choices(choices, weights=cumulative, k=team.size - len(leads))
            for i, (rank, role) in enumerate(picks):
                self.person(team.path, rank, role, leads[i % len(leads)], may_leave=True)
        # Leavers still in the HR extract: people with no reports, as managers' posts are refilled.
        for person in rng.sample(self.may_leave, min(len(self.may_leave), round(size * LEAVER_SHARE))):
            person.status = "leaver"
        return self.people

    def _place_names(self, count: int) -> list[str]:
        names = [head + tail for head in PLACE_HEADS for tail in PLACE_TAILS]
        self.rng.shuffle(names)
        if count > len(names):
            names += [f"{n} {suffix}" for suffix in ("North", "South") for n in names]
        return names[:count]


def force_sizes(people: int) -> list[tuple[str, str, int]]:
    """(slug, name, headcount) for the national body and the 43 forces, summing to `people`."""
    with FORCES_CSV.open(newline="") as handle:
        forces = [(row["slug"], row["name"]) for row in csv.DictReader(handle)]
    organisations = [NATIONAL_BODY, *forces]
    unknown = {slug for slug, _ in organisations} ^ set(WORKFORCE)
    if unknown:
        raise SystemExit(f"Workforce table and forces_43.csv disagree about: {', '.join(sorted(unknown))}")
    total = sum(WORKFORCE.values())
    sizes = {slug: people * WORKFORCE[slug] // total for slug, _ in organisations}
    # Give the rounding remainder to the largest force.
    sizes["metropolitan"] += people - sum(sizes.values())
    return [(slug, name, sizes[slug]) for slug, name in organisations]


def generate(people: int = DEFAULT_PEOPLE, seed: int = 2025) -> list[_Force]:
    """All organisations' people, in a deterministic order."""
    rng = random.Random(seed)
    numbers = list(range(1_000_000, 1_000_000 + people * 4))
    rng.shuffle(numbers)
    staff_numbers = map(str, numbers)
    forces = []
    for slug, name, size in force_sizes(people):
        builder = _Builder(random.Random(f"{seed}:{slug}"), slug, name, staff_numbers)
        forces.append(_Force(slug, name, builder.build(size)))
    return forces


def write_csv(path: Path, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


def combined_rows(forces: list[_Force]):
    """Everyone as if in one organisation: each unit path starts with the organisation's name."""
    for force in forces:
        for person in force.people:
            row = person.row()
            row[4] = f"{force.name}/{row[4]}"
            yield row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE, help="people in total (default 236000)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default bench/out)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    parser.add_argument(
        "--combined",
        action="store_true",
        help="also write combined/all.csv: everyone in one file, units prefixed by organisation name "
        "(for a single-organisation stress test)",
    )
    args = parser.parse_args(argv)
    if args.people < 20_000:
        parser.error("--people must be at least 20000 (every organisation needs its command structure)")
    started = time.perf_counter()
    forces = generate(args.people, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for force in forces:
        write_csv(args.out / f"{force.slug}.csv", (p.row() for p in force.people))
    if args.combined:
        (args.out / "combined").mkdir(exist_ok=True)
        write_csv(args.out / "combined" / "all.csv", combined_rows(forces))
    total = sum(len(f.people) for f in forces)
    leavers = sum(p.status == "leaver" for f in forces for p in f.people)
    largest = max(forces, key=lambda f: len(f.people))
    print(
        f"Wrote {total:,} people in {len(forces)} files to {args.out} "
        f"({leavers:,} leavers; largest {largest.slug} {len(largest.people):,}) "
        f"in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
