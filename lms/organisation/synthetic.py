"""What a synthetic city looks like: departments, names and job titles for benchmarks.

The synthetic city lets us measure the LMS at the size of a real city without touching real
people's data. Everything here is pure (no database): :func:`city_plan` turns a seed into the
same departments and department sizes every time; the write lives in
``services.city.city_generate``.
"""

import random
import unicodedata
from dataclasses import dataclass
from itertools import accumulate, islice

#: Synthetic logins get addresses on a reserved ``.example`` domain, so mail can never reach anyone.
EMAIL_DOMAIN = "synthetic.cabq.example"
#: Prefix of synthetic employee numbers; it keeps them apart from HR roster numbers.
EMPLOYEE_NUMBER_PREFIX = "SYN-"

ADMIN_TITLES = [
    ("Administrative Assistant", 4),
    ("Senior Office Assistant", 3),
    ("Fiscal Officer", 1),
    ("Program Manager", 1),
    ("Division Manager", 0.4),
]

#: Job titles by kind of department, with relative frequencies; office titles come on top.
TITLES: dict[str, list[tuple[str, float]]] = {
    "police": [
        ("Police Officer First Class", 30),
        ("Police Officer Second Class", 14),
        ("Police Sergeant", 8),
        ("Police Lieutenant", 2),
        ("Police Commander", 0.5),
        ("Police Service Aide", 8),
        ("Emergency Communications Dispatcher", 8),
        ("Crime Scene Specialist", 3),
        ("Police Records Technician", 4),
        ("Real Time Crime Center Analyst", 2),
    ],
    "fire": [
        ("Firefighter", 30),
        ("Fire Engineer", 12),
        ("Fire Lieutenant", 8),
        ("Fire Captain", 4),
        ("Firefighter Paramedic", 10),
        ("Fire Prevention Inspector", 3),
        ("Battalion Chief", 1),
        ("Fire Dispatcher", 4),
    ],
    "transit": [
        ("Motor Coach Operator", 45),
        ("Sun Van Operator", 12),
        ("Transit Mechanic", 10),
        ("Transit Service Attendant", 5),
        ("Transit Supervisor", 5),
        ("Transit Scheduler", 2),
        ("Transit Safety Officer", 2),
    ],
    "solid_waste": [
        ("Sanitation Operator", 40),
        ("Heavy Equipment Operator", 12),
        ("Litter and Weed Crew Worker", 12),
        ("Fleet Mechanic", 6),
        ("Container Repair Technician", 5),
        ("Collection Supervisor", 5),
        ("Recycling Coordinator", 2),
    ],
    "parks": [
        ("Park Maintenance Worker", 25),
        ("Recreation Leader", 20),
        ("Lifeguard", 12),
        ("Aquatics Supervisor", 3),
        ("Golf Course Maintenance Worker", 6),
        ("Irrigation Technician", 5),
        ("Arborist", 3),
        ("Open Space Ranger", 4),
        ("Recreation Program Coordinator", 5),
    ],
    "aviation": [
        ("Airport Operations Specialist", 15),
        ("Aviation Police Officer", 10),
        ("Airfield Maintenance Worker", 15),
        ("Aviation Security Officer", 12),
        ("Custodian", 12),
        ("Airport Electrician", 5),
    ],
    "cultural": [
        ("Librarian", 15),
        ("Library Assistant", 20),
        ("Library Page", 8),
        ("Zookeeper", 12),
        ("Aquarist", 4),
        ("Horticulturist", 5),
        ("Museum Curator", 3),
        ("Education Curator", 3),
    ],
    "animal": [
        ("Animal Care Attendant", 25),
        ("Animal Control Officer", 15),
        ("Veterinary Technician", 8),
        ("Veterinarian", 2),
        ("Adoption Counselor", 6),
    ],
    "community": [
        ("Social Worker", 15),
        ("Case Manager", 15),
        ("Early Childhood Educator", 10),
        ("Youth Program Coordinator", 8),
        ("Senior Center Coordinator", 6),
        ("Meal Site Aide", 8),
        ("Peer Support Specialist", 6),
        ("Behavioral Health Responder", 8),
    ],
    "engineering": [
        ("Civil Engineer", 8),
        ("Engineering Technician", 10),
        ("Construction Inspector", 8),
        ("Building Inspector", 6),
        ("Plans Examiner", 4),
        ("Planner", 6),
        ("Code Enforcement Specialist", 8),
        ("Traffic Signal Technician", 5),
        ("Street Maintenance Worker", 20),
        ("Surveyor", 3),
    ],
    "technology": [
        ("Systems Analyst", 12),
        ("Network Engineer", 6),
        ("Software Developer", 8),
        ("IT Support Technician", 12),
        ("Database Administrator", 3),
        ("GIS Analyst", 4),
        ("Cybersecurity Analyst", 3),
    ],
    "office": [
        ("Accountant", 6),
        ("Budget Analyst", 4),
        ("Payroll Specialist", 3),
        ("Buyer", 3),
        ("Paralegal", 3),
        ("Assistant City Attorney", 3),
        ("Human Resources Analyst", 4),
        ("Benefits Specialist", 2),
        ("Records Specialist", 4),
        ("Auditor", 2),
        ("Investigator", 2),
        ("Policy Analyst", 3),
        ("Customer Service Agent", 6),
    ],
}


@dataclass(frozen=True)
class DepartmentKind:
    """A department of a City like Albuquerque, with its rough headcount in a city of ~7,500."""

    name: str
    code: str
    headcount: int
    serves_children: bool
    titles: str


#: The big four come first: every plan contains them, and they make the heavy tail.
CATALOGUE = [
    DepartmentKind("Albuquerque Police Department", "APD", 1700, False, "police"),
    DepartmentKind("Albuquerque Fire Rescue", "AFR", 780, False, "fire"),
    DepartmentKind("Transit Department", "TRANSIT", 620, False, "transit"),
    DepartmentKind("Solid Waste Management Department", "SWMD", 520, False, "solid_waste"),
    DepartmentKind("Parks and Recreation Department", "PARKS", 420, True, "parks"),
    DepartmentKind("Department of Municipal Development", "DMD", 380, False, "engineering"),
    DepartmentKind("Cultural Services Department", "CSD", 330, True, "cultural"),
    DepartmentKind("Family and Community Services Department", "FCS", 300, True, "community"),
    DepartmentKind("Aviation Department", "AVN", 290, False, "aviation"),
    DepartmentKind("Finance and Administrative Services", "DFAS", 280, False, "office"),
    DepartmentKind("Planning Department", "PLN", 240, False, "engineering"),
    DepartmentKind("Department of Senior Affairs", "DSA", 230, False, "community"),
    DepartmentKind("Animal Welfare Department", "AWD", 190, False, "animal"),
    DepartmentKind("Health, Housing and Homelessness Department", "HHH", 180, False, "community"),
    DepartmentKind("Albuquerque Community Safety", "ACS", 150, False, "community"),
    DepartmentKind("Department of Technology and Innovation", "DTI", 150, False, "technology"),
    DepartmentKind("Youth and Family Services Department", "YFS", 120, True, "community"),
    DepartmentKind("Environmental Health Department", "EHD", 100, False, "engineering"),
    DepartmentKind("Legal Department", "LEGAL", 90, False, "office"),
    DepartmentKind("Human Resources Department", "HRD", 70, False, "office"),
    DepartmentKind("311 Community Contact Center", "311", 60, False, "office"),
    DepartmentKind("City Council", "COUNCIL", 45, False, "office"),
    DepartmentKind("Office of the City Clerk", "CLERK", 40, False, "office"),
    DepartmentKind("Office of the Mayor", "MAYOR", 30, False, "office"),
    DepartmentKind("Office of Emergency Management", "OEM", 25, False, "office"),
    DepartmentKind("Economic Development Department", "EDD", 25, False, "office"),
    DepartmentKind("Office of Equity and Inclusion", "OEI", 20, False, "office"),
    DepartmentKind("Civilian Police Oversight Agency", "CPOA", 18, False, "office"),
    DepartmentKind("Office of Internal Audit", "OIA", 12, False, "office"),
    DepartmentKind("Office of Neighborhood Coordination", "ONC", 10, False, "office"),
    DepartmentKind("Office of Inspector General", "OIG", 8, False, "office"),
]
BIG_FOUR = 4

#: Asked for more departments than the catalogue holds, the plan adds divisions of them.
DIVISIONS = [
    ("Administration", "ADM"),
    ("Operations", "OPS"),
    ("Field Services", "FLD"),
    ("Maintenance", "MNT"),
    ("Community Outreach", "OUT"),
    ("Training", "TRN"),
    ("Planning and Support", "SUP"),
    ("Special Projects", "SPC"),
]

FIRST_NAMES = [
    # Albuquerque is about half Hispanic; the lists lean that way on purpose.
    "María", "José", "Juan", "Carlos", "Luis", "Ana", "Rosa", "Jesús", "Miguel", "Elena",
    "Francisco", "Antonio", "Isabel", "Lucía", "Sofía", "Diego", "Javier", "Gabriela", "Adriana",
    "Ricardo", "Alejandro", "Verónica", "Marisol", "Ramón", "Teresa", "Andrés", "Valeria",
    "Fernando", "Carmen", "Manuel", "Guadalupe", "Esteban", "Yolanda", "Arturo", "Leticia",
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Christopher", "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark",
    "Sandra", "Steven", "Ashley", "Andrew", "Emily", "Joshua", "Michelle", "Kevin", "Amanda",
    "Brian", "Melissa", "Ryan", "Stephanie", "Jacob", "Rebecca", "Tyler", "Laura", "Nicole",
    "Brandon", "Samantha", "Justin", "Megan", "Aaron", "Rachel", "Tiffany", "Kayla",
    "Nizhoni", "Ahiga", "Shandiin", "Kai", "Dezbah", "Hania", "Aiyana", "Tala",
    "Minh", "Linh", "Wei", "Mei", "Priya", "Arjun", "Fatima", "Omar", "Aisha", "Hassan",
]  # fmt: skip

LAST_NAMES = [
    "García", "Martínez", "Chávez", "Sánchez", "López", "Romero", "Gonzales", "Baca", "Montoya",
    "Lucero", "Trujillo", "Archuleta", "Padilla", "Gallegos", "Vigil", "Jaramillo", "Aragón",
    "Herrera", "Armijo", "Torres", "Gutiérrez", "Sandoval", "Maestas", "Ortiz", "Salazar",
    "Otero", "Apodaca", "Córdova", "Durán", "Espinoza", "Mondragón", "Ulibarri", "Velarde",
    "Domínguez", "Rael", "Griego", "Saiz", "Tafoya", "Lovato", "Benavídez", "De La Cruz",
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris",
    "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill",
    "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips",
    "O'Brien", "McKenzie", "Begay", "Yazzie", "Tsosie", "Benally", "Nez", "Chee", "Etsitty",
    "Lente", "Zuni", "Abeita", "Nguyen", "Tran", "Pham", "Le", "Chen", "Wang", "Kim", "Patel",
    "Singh", "Ali", "Khan", "Okafor", "Mensah",
]  # fmt: skip


def name_slug(name: str) -> str:
    """The ASCII form of a name as it appears in a login or an email address."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_name.lower() if ch.isalnum())


@dataclass(frozen=True)
class PlannedDepartment:
    """One department of the synthetic city and the number of employees it gets."""

    name: str
    code: str
    serves_children: bool
    titles: tuple[str, ...]
    title_weights: tuple[float, ...]  # cumulative, for random.choices
    size: int


def _candidates(rng: random.Random):
    """Yield department kinds: the big four, the rest in a seeded order, then divisions."""
    rest = CATALOGUE[BIG_FOUR:]
    rng.shuffle(rest)
    for kind in [*CATALOGUE[:BIG_FOUR], *rest]:
        yield kind, kind.headcount
    round_ = 0
    while True:
        for division, abbr in DIVISIONS:
            for kind in CATALOGUE:
                suffix = f"-{round_ + 1}" if round_ else ""
                # Divisions are mostly small, with the occasional large one (Pareto).
                yield (
                    DepartmentKind(
                        f"{kind.name}: {division}{suffix.replace('-', ' ')}",
                        f"{kind.code}-{abbr}{suffix}",
                        0,
                        kind.serves_children,
                        kind.titles,
                    ),
                    15 * rng.paretovariate(1.3),
                )
        round_ += 1


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights``, at least one each (largest remainder)."""
    remaining = total - len(weights)
    scale = remaining / sum(weights)
    quotas = [w * scale for w in weights]
    sizes = [1 + int(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: int(quotas[i]) - quotas[i])
    for i in by_remainder[: total - sum(sizes)]:
        sizes[i] += 1
    return sizes


def _free_label(kind: DepartmentKind, taken: set[str]) -> tuple[str, str]:
    """The department's name and code, marked as synthetic where an existing one has them."""
    if kind.name not in taken and kind.code not in taken:
        return kind.name, kind.code
    n = 1
    while True:
        marker = "SYN-" if n == 1 else f"SYN{n}-"
        name, code = f"{kind.name} (synthetic{'' if n == 1 else f' {n}'})", marker + kind.code
        if name not in taken and code not in taken:
            return name, code
        n += 1


def city_plan(
    *, rng: random.Random, employees: int, departments: int, taken: set[str]
) -> list[PlannedDepartment]:
    """Choose the departments and their sizes: a few very big ones, many small ones.

    Sizes follow the catalogue's real-world proportions, each scaled by seeded log-normal
    noise, so the spread is heavy-tailed and differs from seed to seed. A department whose
    name or code is in ``taken`` (the demo's APD, say) gets a ``SYN-`` code and a
    "(synthetic)" name instead, so the plan for a seed is the same in every database.
    """
    taken = set(taken)
    chosen = []
    for kind, headcount in islice(_candidates(rng), departments):
        chosen.append((kind, headcount * rng.lognormvariate(0, 0.5)))
    sizes = _apportion(employees, [weight for _kind, weight in chosen])
    plan = []
    for (kind, _weight), size in zip(chosen, sizes, strict=True):
        name, code = _free_label(kind, taken)
        taken.update((name, code))
        titles = TITLES[kind.titles] + ADMIN_TITLES
        plan.append(
            PlannedDepartment(
                name=name,
                code=code,
                serves_children=kind.serves_children,
                titles=tuple(title for title, _weight in titles),
                title_weights=tuple(accumulate(weight for _title, weight in titles)),
                size=size,
            )
        )
    return plan
