"""The demo city's departments and people.

Every name here is invented. The records hold employment facts only (department, job title,
hire date, language for reminders), as real records do: no status, nationality or the like.
"""

from dataclasses import dataclass
from datetime import date

from lms.organisation.roles import CONTENT_EDITOR, EMPLOYEE, LEGAL_REVIEWER, LIAISON, OEI_ADMIN

#: The password of every demo user. Development and demonstration only: it is documented in the
#: README and must never be used on a server that holds real people's records.
DEMO_PASSWORD = "demo-password-2025"  # noqa: S105
#: Who submits the Spanish demo courses for approval, and who approves them (lms.demo.loader).
DEMO_EDITOR = "editor"
DEMO_LEGAL_REVIEWER = "legal.reviewer"

EMAIL_DOMAIN = "cabq.example"

#: The day the demo departments designated their liaisons (EO §5), shortly after the order.
LIAISONS_DESIGNATED_ON = date(2025, 8, 1)


@dataclass(frozen=True)
class DemoDepartment:
    code: str
    name: str
    serves_children: bool = False


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    employee_number: str
    department: str  # a DemoDepartment code
    job_title: str
    hire_date: date
    preferred_language: str = "en"
    roles: tuple[str, ...] = (EMPLOYEE,)

    @property
    def email(self) -> str:
        return f"{self.username}@{EMAIL_DOMAIN}"


DEPARTMENTS: tuple[DemoDepartment, ...] = (
    DemoDepartment("PARKS", "Parks and Recreation", serves_children=True),
    DemoDepartment("FCS", "Family and Community Services", serves_children=True),
    DemoDepartment("APD", "Albuquerque Police Department"),
    DemoDepartment("TRANSIT", "Transit"),
    DemoDepartment("CULTURE", "Arts and Culture", serves_children=True),
    DemoDepartment("OEI", "Office of Equity and Inclusion"),
    DemoDepartment("LEGAL", "City Attorney's Office"),
)


def _liaison(code, first, last, number, title, hired) -> DemoPerson:
    return DemoPerson(
        username=f"liaison.{code.lower()}",
        first_name=first,
        last_name=last,
        employee_number=number,
        department=code,
        job_title=title,
        hire_date=hired,
        roles=(EMPLOYEE, LIAISON),
    )


#: One liaison per department (EO §5); each is also an employee of that department.
LIAISONS: tuple[DemoPerson, ...] = (
    _liaison("PARKS", "Theresa", "Maestas", "E10101", "Deputy Director", date(2005, 6, 6)),
    _liaison("FCS", "Raymond", "Otero", "E10102", "Division Manager", date(2010, 1, 11)),
    _liaison("APD", "Patricia", "Sedillo", "E10103", "Police Lieutenant", date(2004, 8, 16)),
    _liaison(
        "TRANSIT", "Gregory", "Armijo", "E10104", "Transit Operations Manager", date(2009, 5, 4)
    ),
    _liaison("CULTURE", "Diane", "Lovato", "E10105", "Library Services Manager", date(2008, 3, 17)),
    _liaison("OEI", "Yolanda", "Jaramillo", "E10106", "Equity Program Manager", date(2018, 9, 10)),
    _liaison("LEGAL", "Steven", "Ruiz", "E10107", "Deputy City Attorney", date(2012, 2, 27)),
)

#: The people who run the programme: OEI (EO §2), content editing and legal review (EO §7).
STAFF: tuple[DemoPerson, ...] = (
    DemoPerson(
        "oei.admin", "Carmen", "Gutierrez", "E10201", "OEI", "OEI Deputy Director",
        date(2016, 5, 2), "es", roles=(EMPLOYEE, OEI_ADMIN),
    ),
    DemoPerson(
        "editor", "Laura", "Whitfield", "E10202", "OEI", "Training Content Specialist",
        date(2021, 9, 20), roles=(EMPLOYEE, CONTENT_EDITOR),
    ),
    DemoPerson(
        "legal.reviewer", "Victor", "Sanchez", "E10203", "LEGAL", "Assistant City Attorney",
        date(2014, 10, 6), roles=(EMPLOYEE, LEGAL_REVIEWER),
    ),
)  # fmt: skip

# (first name, last name, department, job title, hire date, preferred language)
_EMPLOYEE_ROWS: tuple[tuple[str, str, str, str, date, str], ...] = (
    ("Maria", "Chavez", "PARKS", "Recreation Leader", date(2016, 6, 13), "es"),
    ("Daniel", "Begay", "PARKS", "Park Maintenance Worker", date(2012, 4, 2), "en"),
    ("Aisha", "Johnson", "PARKS", "Aquatics Supervisor", date(2019, 5, 20), "en"),
    ("Luis", "Montoya", "PARKS", "Community Center Director", date(2008, 9, 15), "es"),
    ("Kayla", "Tsosie", "PARKS", "Recreation Coordinator", date(2021, 8, 9), "en"),
    ("Ethan", "Miller", "PARKS", "Park Ranger", date(2017, 3, 27), "en"),
    ("Rosa", "Sandoval", "PARKS", "Youth Sports Coordinator", date(2014, 1, 6), "es"),
    ("Minh", "Nguyen", "PARKS", "Lifeguard", date(2024, 5, 28), "en"),
    ("Guadalupe", "Archuleta", "FCS", "Case Manager", date(2011, 10, 3), "es"),
    ("Jerome", "Washington", "FCS", "Youth Program Specialist", date(2018, 2, 12), "en"),
    ("Sarah", "Yazzie", "FCS", "Early Childhood Educator", date(2015, 8, 17), "en"),
    ("Carlos", "Baca", "FCS", "Senior Center Coordinator", date(2009, 11, 30), "es"),
    ("Emily", "Schwartz", "FCS", "Social Worker", date(2020, 7, 6), "en"),
    ("Tomás", "Gallegos", "FCS", "Homeless Services Coordinator", date(2013, 5, 13), "es"),
    ("Priya", "Patel", "FCS", "Community Services Program Manager", date(2016, 9, 26), "en"),
    ("Angela", "Lucero", "FCS", "Family Support Specialist", date(2022, 1, 18), "en"),
    ("Michael", "Romero", "APD", "Police Officer", date(2014, 7, 21), "en"),
    ("Jennifer", "Garcia", "APD", "Police Sergeant", date(2007, 3, 5), "en"),
    ("Kevin", "Harjo", "APD", "Crime Analyst", date(2019, 10, 14), "en"),
    ("Stephanie", "Martinez", "APD", "Police Service Aide", date(2023, 2, 27), "es"),
    ("David", "Kim", "APD", "Records Specialist", date(2018, 6, 4), "en"),
    ("Brandon", "Apodaca", "APD", "Police Officer", date(2021, 11, 8), "en"),
    ("Anthony", "Trujillo", "TRANSIT", "Motor Coach Operator", date(2010, 8, 23), "es"),
    ("Lorraine", "Benally", "TRANSIT", "Transit Dispatcher", date(2013, 12, 2), "en"),
    ("Marcus", "Brown", "TRANSIT", "Fleet Mechanic", date(2016, 4, 11), "en"),
    ("Veronica", "Padilla", "TRANSIT", "Customer Service Representative", date(2020, 3, 9), "es"),
    ("Joseph", "Lee", "TRANSIT", "Transit Planner", date(2022, 6, 27), "en"),
    ("Nicole", "Ortiz", "TRANSIT", "Paratransit Operator", date(2017, 9, 18), "en"),
    ("Robert", "Chee", "TRANSIT", "Transit Safety Officer", date(2011, 2, 14), "en"),
    ("Hannah", "Goldberg", "CULTURE", "Children's Librarian", date(2015, 4, 20), "en"),
    ("Isabel", "Córdova", "CULTURE", "Library Assistant", date(2019, 1, 28), "es"),
    ("Samuel", "Aragon", "CULTURE", "Branch Library Manager", date(2006, 10, 9), "en"),
    ("Grace", "Nakai", "CULTURE", "Museum Educator", date(2018, 8, 13), "en"),
    ("Fatima", "Hassan", "CULTURE", "Library Associate", date(2023, 9, 5), "en"),
    ("Christopher", "Vigil", "CULTURE", "BioPark Zookeeper", date(2012, 7, 30), "en"),
    ("Mei", "Chen", "CULTURE", "Teen Services Librarian", date(2021, 4, 12), "en"),
    ("Andrea", "Salazar", "OEI", "Equity Program Specialist", date(2020, 10, 19), "es"),
    ("Jamal", "Robinson", "OEI", "OIRA Program Coordinator", date(2022, 3, 14), "en"),
    ("Elena", "Duran", "LEGAL", "Paralegal", date(2017, 11, 6), "es"),
    ("William", "Foster", "LEGAL", "Legal Secretary", date(2015, 2, 9), "en"),
)  # fmt: skip

#: employee01..employee40, numbered E10001..E10040.
EMPLOYEES: tuple[DemoPerson, ...] = tuple(
    DemoPerson(
        username=f"employee{n:02d}",
        first_name=first,
        last_name=last,
        employee_number=f"E{10000 + n}",
        department=department,
        job_title=title,
        hire_date=hired,
        preferred_language=language,
    )
    for n, (first, last, department, title, hired, language) in enumerate(_EMPLOYEE_ROWS, 1)
)

PEOPLE: tuple[DemoPerson, ...] = (*LIAISONS, *STAFF, *EMPLOYEES)

#: Who reports to whom (issue 19: "My team"), by employee number: report -> supervisor.
#: ``employee18`` (APD, Police Sergeant) supervises five officers and staff, among them the
#: overdue ``employee17``; ``employee04`` (Parks, Community Center Director) supervises three,
#: and ``employee03`` (Aquatics Supervisor), one of them, supervises ``employee08`` in turn.
SUPERVISORS: dict[str, str] = {
    "E10017": "E10018",
    "E10019": "E10018",
    "E10020": "E10018",
    "E10021": "E10018",
    "E10022": "E10018",
    "E10003": "E10004",
    "E10005": "E10004",
    "E10007": "E10004",
    "E10008": "E10003",
}
