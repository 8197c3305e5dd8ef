"""The demo content: the site's home and training pages, the demo's training requirements and
guidance documents, and the three sample courses, which are read from content files.

The courses are not written here. Each lives in its own folder under ``lms/demo/courses/``, in
files that a reviewer from the City Attorney's Office or a translator can read and diff without
reading code (the format is described in docs/demo-content.md):

- ``course.yaml``: the course's title, summary, notes and settings in English and Spanish, the
  clauses it cites and its question bank, each question with its clause citations and its text,
  choices and explanation in both languages;
- ``lessons/NN-<slug>.en.md`` and ``lessons/NN-<slug>.es.md``: one lesson per file and
  language, Markdown with a small front matter (title, summary, the clauses it teaches).

Every statement a lesson presents as the order's policy cites its clause (``::: policy EO §9``
blocks quote or closely paraphrase it); what the City Attorney's guidance might say, procedures
and definitions sit in ``::: guidance`` blocks, shown as "Sample guidance: to be replaced by the
City Attorney's Office". The City Attorney's guidance itself (EO §7, including the memorandum
of February 10, 2025) is authored and approved by that office, so the sample never restates it.

Every question and answer choice has a fixed id derived from the course slug and its position,
so the demo's quiz data is the same on every load, and a question and its Spanish translation
share their ids. Each bank holds at least twice the questions an attempt draws, so that a retake
is a new test. A failed attempt shows the explanations, so an explanation cites its clauses and
points the learner to them without naming, quoting or paraphrasing any choice.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

#: Where the course folders are; one folder per course, named by its slug.
COURSES_DIR = Path(__file__).resolve().parent / "courses"

#: The languages of the demo content: English is the source, Spanish its translation.
SOURCE_LANGUAGE = "en"
TRANSLATION_LANGUAGES = ("es",)
LANGUAGES = (SOURCE_LANGUAGE, *TRANSLATION_LANGUAGES)


def _html(*parts: str) -> str:
    """Join rich-text parts; a part that is not already a block (list) becomes a paragraph."""
    return "".join(
        part if part.startswith(("<p>", "<ul>", "<ol>")) else f"<p>{part}</p>" for part in parts
    )


# --- The sample notice --------------------------------------------------------------------------

#: Ends every course summary, in each language.
SAMPLE_SENTENCE = (
    "Sample demo content written from the executive order of 21 July 2025; the City Attorney's "
    "actual guidance is authored and approved by the City Attorney's Office."
)
SAMPLE_SENTENCES = {
    "en": SAMPLE_SENTENCE,
    "es": (
        "Contenido de muestra escrito a partir de la orden ejecutiva del 21 de julio de 2025; la "
        "guía real de la Oficina del Abogado de la Ciudad la redacta y aprueba esa oficina."
    ),
}

OEI_PHONE = "(505) 768-3491"


# --- Reading the content files ------------------------------------------------------------------

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true_false"

#: The namespace of the demo's quiz block ids (see :meth:`CourseContent.quiz_stream_data`).
QUIZ_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "quiz.demo.lms.cabq.example")

#: The two choices of a true/false question, in each language.
TRUE_FALSE_LABELS = {"en": ("True", "False"), "es": ("Verdadero", "Falso")}

#: "EO §9", "C/S R-18-7", "City Attorney memo of 2025-02-10": a clause as the content cites it.
CITATION = re.compile(r"(EO §\d+|C/S R-18-7|City Attorney memo of 2025-02-10)")
#: A section sign in running text ("section 9" is also used, but "§" is what the checks read).
SECTION_SIGN = re.compile(r"§\s?(\d+)")


class ContentFileError(ValueError):
    """A demo content file is malformed; the message names the file and what is wrong."""


@dataclass(frozen=True)
class QuizText:
    """A question's words in one language."""

    text: str
    choices: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class QuizQuestion:
    kind: str
    #: Whether each choice is right, in the order the question lists them (same in every language).
    correct: tuple[bool, ...]
    clauses: tuple[str, ...]
    texts: dict[str, QuizText]
    always_include: bool = False

    @property
    def text(self) -> str:
        return self.texts[SOURCE_LANGUAGE].text

    @property
    def explanation(self) -> str:
        return self.texts[SOURCE_LANGUAGE].explanation

    @property
    def choices(self) -> tuple[tuple[str, bool], ...]:
        return tuple(zip(self.texts[SOURCE_LANGUAGE].choices, self.correct, strict=True))

    @property
    def policy_reference(self) -> str:
        return ", ".join(self.clauses)


@dataclass(frozen=True)
class LessonText:
    """A lesson in one language: its page fields and its body as raw ``LessonBodyBlock`` data."""

    title: str
    summary: str
    body: tuple[dict, ...]
    clauses: tuple[str, ...]
    path: Path


@dataclass(frozen=True)
class LessonContent:
    slug: str
    texts: dict[str, LessonText]

    @property
    def title(self) -> str:
        return self.texts[SOURCE_LANGUAGE].title

    @property
    def summary(self) -> str:
        return self.texts[SOURCE_LANGUAGE].summary

    @property
    def body(self) -> tuple[dict, ...]:
        return self.texts[SOURCE_LANGUAGE].body

    @property
    def clauses(self) -> tuple[str, ...]:
        return self.texts[SOURCE_LANGUAGE].clauses


@dataclass(frozen=True)
class CourseText:
    """A course page's own fields in one language."""

    title: str
    summary: str
    audience_note: str
    content_note: str


@dataclass(frozen=True)
class CourseContent:
    slug: str
    texts: dict[str, CourseText]
    estimated_minutes: int
    policy_references: tuple[str, ...]
    lessons: tuple[LessonContent, ...]
    quiz: tuple[QuizQuestion, ...] = ()
    #: Questions drawn for each attempt; 0 means the whole bank.
    quiz_question_count: int = 0
    quiz_pass_mark: int = 80
    quiz_shuffle_choices: bool = True
    quiz_max_attempts: int = 0  # unlimited
    #: Sample settings (not from the order): a learner who fails waits, and cannot retake
    #: more than three times in any 24 hours, so the result pages cannot be harvested.
    quiz_wait_minutes: int = 60
    quiz_max_attempts_per_day: int = 3
    quiz_review_after_fail: str = "explained"
    quiz_review_after_pass: str = "full"  # noqa: S105 (a review level, not a password)
    validity_months: int | None = 12
    edition: int = 1
    folder: Path = field(default=COURSES_DIR)

    @property
    def title(self) -> str:
        return self.texts[SOURCE_LANGUAGE].title

    @property
    def summary(self) -> str:
        return self.texts[SOURCE_LANGUAGE].summary

    @property
    def audience_note(self) -> str:
        return self.texts[SOURCE_LANGUAGE].audience_note

    @property
    def content_note(self) -> str:
        return self.texts[SOURCE_LANGUAGE].content_note

    def quiz_stream_data(
        self, clause_ids: dict[str, int] | None = None, language: str = SOURCE_LANGUAGE
    ) -> list[dict]:
        """The question bank as raw ``QuizBankBlock`` data in ``language``, with stable ids (the
        same in every language): a fresh copy each call, so saving a page (which may write into
        the data) never touches the content.

        ``clause_ids`` maps a citation ("EO §7") to the id of its clause, which is what a
        question refers to."""
        clause_ids = clause_ids or {}
        return [
            {
                "type": "question",
                "id": self._quiz_id(f"{number}"),
                "value": {
                    "kind": question.kind,
                    "text": question.texts[language].text,
                    "choices": [
                        {
                            "type": "item",
                            "id": self._quiz_id(f"{number}/choice/{position}"),
                            "value": {"text": answer, "is_correct": is_correct},
                        }
                        for position, (answer, is_correct) in enumerate(
                            zip(question.texts[language].choices, question.correct, strict=True)
                        )
                    ],
                    "explanation": question.texts[language].explanation,
                    "clauses": [
                        str(clause_ids[citation])
                        for citation in question.clauses
                        if citation in clause_ids
                    ],
                    "always_include": question.always_include,
                },
            }
            for number, question in enumerate(self.quiz)
        ]

    def _quiz_id(self, path: str) -> str:
        return str(uuid.uuid5(QUIZ_ID_NAMESPACE, f"{self.slug}/quiz/{path}"))


_markdown = MarkdownIt("commonmark")
#: Wagtail's rich text database format writes bold and italic as <b> and <i>.
_RICH_TEXT_TAGS = {"<strong>": "<b>", "</strong>": "</b>", "<em>": "<i>", "</em>": "</i>"}


def markdown_to_rich_text(source: str) -> str:
    """Markdown (paragraphs, lists, bold, italic) as Wagtail rich text."""
    html = _markdown.render(source.strip())
    for tag, replacement in _RICH_TEXT_TAGS.items():
        html = html.replace(tag, replacement)
    return re.sub(r">\s*\n\s*<", "><", html).strip()


def _front_matter(path: Path) -> tuple[dict, str]:
    source = path.read_text(encoding="utf-8")
    match = re.match(r"\A---\n(.*?)\n---\n(.*)\Z", source, re.DOTALL)
    if match is None:
        raise ContentFileError(f"{path}: no front matter between two '---' lines.")
    meta = yaml.safe_load(match.group(1)) or {}
    if not isinstance(meta, dict):
        raise ContentFileError(f"{path}: the front matter is not a mapping.")
    return meta, match.group(2)


def _scenario(path: Path, title: str, source: str) -> dict:
    parts = re.split(r"^#### (.+)$", source, flags=re.MULTILINE)
    sections = [part.strip() for part in parts[1::2]]
    if len(sections) != 3 or parts[0].strip():
        raise ContentFileError(
            f"{path}: scenario {title!r} needs exactly three '####' parts "
            "(situation, what to do, why)."
        )
    situation, what_to_do, why = (markdown_to_rich_text(part) for part in parts[2::2])
    return {
        "type": "scenario",
        "value": {"title": title, "situation": situation, "what_to_do": what_to_do, "why": why},
    }


def _fenced_block(path: Path, opening: str, source: str) -> dict:
    """A ``::: kind args | title`` block as raw block data."""
    head, _bar, title = opening.partition("|")
    kind, *args = head.split(maxsplit=1)
    title, args = title.strip(), (args[0].strip() if args else "")
    if kind == "callout":
        return {
            "type": "callout",
            "value": {"kind": args, "title": title, "body": markdown_to_rich_text(source)},
        }
    if kind == "scenario":
        return _scenario(path, title, source)
    if kind == "policy":
        if not args:
            raise ContentFileError(f"{path}: a policy block must cite its clause(s).")
        return {
            "type": "policy",
            "value": {"citation": args, "text": markdown_to_rich_text(source)},
        }
    if kind == "guidance":
        return {"type": "sample_guidance", "value": {"body": markdown_to_rich_text(source)}}
    raise ContentFileError(f"{path}: unknown block '::: {kind}'.")


def lesson_body(path: Path, source: str) -> tuple[dict, ...]:
    """A lesson's Markdown as raw ``LessonBodyBlock`` data: ``##``/``###`` headings, text
    between them, and ``:::`` fenced callout, scenario, policy and guidance blocks."""
    blocks: list[dict] = []
    text: list[str] = []

    def text_flush() -> None:
        if "".join(text).strip():
            blocks.append({"type": "text", "value": markdown_to_rich_text("\n".join(text))})
        text.clear()

    lines = iter(source.splitlines())
    for line in lines:
        heading = re.match(r"^(##|###) (.+)$", line)
        if heading:
            text_flush()
            level = "h2" if heading.group(1) == "##" else "h3"
            blocks.append(
                {"type": "heading", "value": {"text": heading.group(2).strip(), "level": level}}
            )
        elif line.startswith(":::"):
            text_flush()
            inner = []
            for inner_line in lines:
                if inner_line.strip() == ":::":
                    break
                inner.append(inner_line)
            else:
                raise ContentFileError(f"{path}: '{line}' is never closed by ':::'.")
            blocks.append(_fenced_block(path, line[3:].strip(), "\n".join(inner)))
        else:
            text.append(line)
    text_flush()
    return tuple(blocks)


def _lesson_text(path: Path) -> LessonText:
    meta, source = _front_matter(path)
    missing = {"title", "summary", "clauses"} - set(meta)
    if missing:
        raise ContentFileError(f"{path}: the front matter lacks {', '.join(sorted(missing))}.")
    return LessonText(
        title=meta["title"],
        summary=meta["summary"],
        body=lesson_body(path, source),
        clauses=tuple(meta["clauses"] or ()),
        path=path,
    )


def _lessons(folder: Path) -> tuple[LessonContent, ...]:
    found: dict[str, dict[str, LessonText]] = {}
    for path in sorted((folder / "lessons").glob("*.md")):
        match = re.fullmatch(r"\d\d-([a-z0-9-]+)\.([a-z]{2})\.md", path.name)
        if match is None:
            raise ContentFileError(f"{path}: a lesson file is named NN-<slug>.<language>.md.")
        slug, language = match.groups()
        found.setdefault(slug, {})[language] = _lesson_text(path)
    return tuple(LessonContent(slug=slug, texts=texts) for slug, texts in found.items())


def _question(path: Path, number: int, raw: dict) -> QuizQuestion:
    kind = raw["kind"]
    texts: dict[str, QuizText] = {}
    correct: tuple[bool, ...] = ()
    for language in LANGUAGES:
        words = raw.get(language)
        if not words:
            continue
        if kind == TRUE_FALSE:
            choices = TRUE_FALSE_LABELS[language]
            marks: tuple[bool, ...] = (bool(raw["answer"]), not raw["answer"])
        else:
            pairs = [next(iter(choice.items())) for choice in words["choices"]]
            if any(mark not in ("right", "wrong") for mark, _text in pairs):
                raise ContentFileError(f"{path}: question {number}: a choice is right or wrong.")
            choices = tuple(text for _mark, text in pairs)
            marks = tuple(mark == "right" for mark, _text in pairs)
        if correct and marks != correct:
            raise ContentFileError(
                f"{path}: question {number}: the {language} choices are not right and wrong "
                "in the same places as the English ones."
            )
        correct = marks
        texts[language] = QuizText(
            text=words["question"], choices=choices, explanation=words["explanation"]
        )
    return QuizQuestion(
        kind=kind,
        correct=correct,
        clauses=tuple(raw["clauses"]),
        texts=texts,
        always_include=bool(raw.get("always_include", False)),
    )


def course_read(folder: Path) -> CourseContent:
    """One course folder as :class:`CourseContent`."""
    path = folder / "course.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts = {
        language: CourseText(
            title=raw["title"][language],
            summary=f"{raw['summary'][language].strip()} {SAMPLE_SENTENCES[language]}",
            audience_note=raw["audience_note"][language],
            content_note=(raw.get("content_note") or {}).get(language, ""),
        )
        for language in LANGUAGES
        if language in raw["title"]
    }
    settings = raw.get("quiz_settings") or {}
    return CourseContent(
        slug=folder.name,
        texts=texts,
        estimated_minutes=raw["estimated_minutes"],
        policy_references=tuple(raw["policy_references"]),
        lessons=_lessons(folder),
        quiz=tuple(
            _question(path, number, question) for number, question in enumerate(raw["quiz"])
        ),
        **{f"quiz_{name}": value for name, value in settings.items()},
        folder=folder,
    )


def courses_read(directory: Path = COURSES_DIR) -> tuple[CourseContent, ...]:
    """Every course folder, in the order their ``course.yaml`` files give."""
    folders = [path.parent for path in directory.glob("*/course.yaml")]
    order = {
        folder: yaml.safe_load((folder / "course.yaml").read_text(encoding="utf-8"))["order"]
        for folder in folders
    }
    return tuple(course_read(folder) for folder in sorted(folders, key=order.__getitem__))


COURSES: tuple[CourseContent, ...] = courses_read()
_BY_SLUG = {course.slug: course for course in COURSES}
COMMITMENTS = _BY_SLUG["immigrant-friendly-commitments"]
ENCOUNTERS = _BY_SLUG["federal-agents-at-city-facilities"]
MINORS = _BY_SLUG["trauma-informed-protocols-for-minors"]


HOME_TITLE = "City Training"
HOME_SLUG = "home"
HOME_INTRO = _html(
    "This is the City of Albuquerque's training and compliance site. City employees take the "
    "training assigned to them here; department liaisons and the Office of Equity and Inclusion "
    "follow their departments' progress.",
    "The courses in this demo are a <b>sample</b>, written from the Mayor's executive order of "
    "21 July 2025. They are not the City's official training.",
)

TRAINING_TITLE = "Training"
TRAINING_SLUG = "training"
TRAINING_INTRO = _html(
    "Courses on the City's commitments under the executive order of 21 July 2025. These are "
    "sample demo courses; the City Attorney's actual guidance is authored and approved by the "
    "City Attorney's Office."
)


# --- Training requirements ----------------------------------------------------------------------

#: The executive order's date: the demo requirements apply from then.
EXECUTIVE_ORDER_SIGNED = date(2025, 7, 21)


@dataclass(frozen=True)
class RequirementContent:
    """A demo training requirement; the loader finds it by ``name``."""

    name: str
    course: CourseContent
    due_days: int
    #: "all", or "departments" for the departments that serve children and youth (EO §15).
    audience: str = "all"
    recertify_months: int | None = 12
    window_days: int = 30
    active_from: date = EXECUTIVE_ORDER_SIGNED


REQUIREMENTS: tuple[RequirementContent, ...] = (
    RequirementContent(
        name="All staff: immigrant-friendly commitments",
        course=COMMITMENTS,
        due_days=60,
    ),
    RequirementContent(
        name="All staff: encountering federal agents",
        course=ENCOUNTERS,
        due_days=30,
    ),
    RequirementContent(
        name="Youth-serving departments: trauma-informed protocols",
        course=MINORS,
        audience="departments",
        due_days=45,
    ),
)


# --- Guidance documents (clauses) -------------------------------------------------------------


@dataclass(frozen=True)
class ClauseContent:
    number: str
    title: str
    text: str


@dataclass(frozen=True)
class GuidanceContent:
    """A demo guidance document; the loader finds it by ``title``."""

    title: str
    short_name: str
    issuer: str
    issued_on: date | None
    clauses: tuple[ClauseContent, ...]
    url: str = ""


EXECUTIVE_ORDER = GuidanceContent(
    title=(
        "Executive order: Strengthening the City of Albuquerque's Commitment to Defending Our "
        "Immigrant-Friendly City"
    ),
    short_name="EO",
    issuer="Office of the Mayor Timothy M. Keller",
    issued_on=date(2025, 7, 21),
    clauses=(
        ClauseContent(
            "1",
            "No City resources for civil immigration enforcement",
            (
                "The City of Albuquerque remains committed to the principles set forth in C/S "
                "R-18-7, which affirmed Albuquerque's status as an immigrant-friendly city. In "
                "accordance with that resolution, City agencies, departments, officers, "
                "employees, or agents shall not use City resources, including but not limited to "
                "moneys, equipment, personnel, or City facilities to assist in or otherwise "
                "facilitate the enforcement of federal civil immigration laws, including "
                "participation in civil immigration raids, detentions, or information-sharing "
                "efforts, except where required by federal law or court order."
            ),
        ),
        ClauseContent(
            "2",
            "OEI leads implementation",
            (
                "The Office of Equity and Inclusion (OEI) shall lead the implementation of this "
                "Executive Order."
            ),
        ),
        ClauseContent(
            "3",
            "OIRA Steering Committee gathers feedback",
            (
                "The Office of Immigrant and Refugee Affairs (OIRA) Steering Committee, "
                "established in 2021, will solicit feedback from the community, immigration "
                "rights organizations, service providers, business owners, health care providers,"
                " educators, domestic violence advocates, faith leaders, and other community "
                "partners on federal immigration actions and the City's response, identify ways "
                "that the City can protect the rights of immigrants, and collaborate with local "
                "nonprofits, legal service providers, and schools to ensure access to legal "
                "representation, counseling, and safe shelter options."
            ),
        ),
        ClauseContent(
            "4",
            "Know Your Rights information",
            (
                "The Office of Equity and Inclusion (OEI) shall continue to disseminate Know Your"
                " Rights information, shall identify additional opportunities to educate the "
                "community and, in coordination with other City of Albuquerque departments, shall"
                " share information on City services and assistance programs for families "
                "impacted by federal enforcement actions."
            ),
        ),
        ClauseContent(
            "5",
            "Department liaisons and progress reports",
            (
                "All departments shall designate a liaison to coordinate compliance, training, "
                "and reporting. OEI shall provide regular progress reports to the mayor and/or "
                "his designee."
            ),
        ),
        ClauseContent(
            "6",
            "No support for secret policing",
            ("City departments shall not support secret policing tactics by ICE agents."),
        ),
        ClauseContent(
            "7",
            "Follow the City Attorney's guidance",
            (
                "When encountering ICE agents at City facilities, City employees shall follow any"
                " guidance issued by the City Attorney's Office, including all previous guidance "
                "from the memorandum issued to all City employees on February 10, 2025."
            ),
        ),
        ClauseContent(
            "8",
            "Review programs to support families",
            (
                "City departments shall review their existing programs and services to identify "
                "additional ways to support families that have been impacted by federal "
                "immigration enforcement actions."
            ),
        ),
        ClauseContent(
            "9",
            "Report ICE activity",
            (
                "City departments shall report any ICE activity on City properties or facilities "
                "to the Mayor's Office, the City Attorney's Office, and the OIRA Steering "
                "Committee."
            ),
        ),
        ClauseContent(
            "10",
            "APD and ICE activity",
            (
                "The Albuquerque Police Department (APD) cannot legally interfere with ICE "
                "activity, but upon request from a member of the community who has observed "
                "activity at a specific location, APD will assist in confirming whether federal "
                "agents are engaged in immigration enforcement activity."
            ),
        ),
        ClauseContent(
            "11",
            "Prosecuting impersonation of law enforcement",
            (
                "The City will exhaust all available avenues to prosecute to the highest degree "
                "allowable those who defraud the public and commit crimes in our community "
                "through impersonation of law enforcement."
            ),
        ),
        ClauseContent(
            "12",
            "Clear identification by ICE agents",
            (
                "As a law enforcement agency, ICE and its employees should demonstrate "
                "professional behavior that is beyond reproach and representative of the special "
                "public trust they hold. Its employees should demonstrate behavior that promotes "
                "the highest levels of integrity and professionalism, which should include clear "
                "communication and clear and consistent identification as ICE agents."
            ),
        ),
        ClauseContent(
            "13",
            "No disruption of City public spaces",
            (
                "ICE must not disrupt the safety or well-being of City public spaces through "
                "violent or harmful detainment actions."
            ),
        ),
        ClauseContent(
            "14",
            "FOIA requests on enforcement",
            (
                "The City Attorney's Office shall file and maintain regular Freedom of "
                "Information Act (FOIA) requests with the United States Department of Homeland "
                "Security and ICE regarding immigration enforcement activities within or "
                "affecting the City of Albuquerque and disseminate relevant information to the "
                "Mayor's Office, OIRA Steering Committee, and any relevant City department."
            ),
        ),
        ClauseContent(
            "15",
            "Trauma-informed protocols for minors",
            (
                "Led by the City's Child Wellbeing Impact Officer, in collaboration with OEI, all"
                " City departments serving children and youth shall develop trauma-informed "
                "protocols to assist minors impacted by immigration enforcement, including "
                "unaccompanied and separated children."
            ),
        ),
        ClauseContent(
            "16",
            "Support for affected families",
            (
                "The City shall direct relevant departments to identify and support families "
                "disproportionately affected by immigration enforcement, particularly in areas "
                "such as housing, healthcare, employment, and education."
            ),
        ),
        ClauseContent(
            "17",
            "Virtual access to services",
            (
                "The City will expand virtual access to services and provide support as needed to"
                " facilitate secure interactions with other government agencies."
            ),
        ),
    ),
)
RESOLUTION = GuidanceContent(
    title="C/S R-18-7",
    short_name="",
    issuer="Albuquerque City Council",
    issued_on=None,
    clauses=(
        ClauseContent(
            "1",
            "Albuquerque is an immigrant-friendly city",
            (
                "The City Council resolution that affirmed Albuquerque's status as an "
                "immigrant-friendly city; section 1 of the executive order restates its heart."
            ),
        ),
    ),
)

CITY_ATTORNEY_MEMO = GuidanceContent(
    title="City Attorney memo of 2025-02-10",
    short_name="",
    issuer="City Attorney's Office",
    issued_on=date(2025, 2, 10),
    clauses=(
        ClauseContent(
            "1",
            "Guidance for City employees encountering ICE agents",
            (
                "The memorandum the City Attorney's Office issued to all City employees on "
                "February 10, 2025. Its text is the City Attorney's Office's to publish: this "
                "sample does not restate it."
            ),
        ),
    ),
)

GUIDANCE: tuple[GuidanceContent, ...] = (EXECUTIVE_ORDER, RESOLUTION, CITY_ATTORNEY_MEMO)


# --- Checking the content files -----------------------------------------------------------------

#: The executive order's numbered sections ("EO §1" to "EO §17").
ORDER_CLAUSES = frozenset(f"EO §{clause.number}" for clause in EXECUTIVE_ORDER.clauses)
#: Every clause a demo course may cite, as the loader resolves citations.
KNOWN_CLAUSES = frozenset(
    f"{guidance.short_name} §{clause.number}" if guidance.short_name else guidance.title
    for guidance in GUIDANCE
    for clause in guidance.clauses
)


def _block_texts(block: dict) -> list[str]:
    value = block["value"]
    return [value] if isinstance(value, str) else [v for v in value.values() if isinstance(v, str)]


def content_problems(courses: tuple[CourseContent, ...]) -> list[str]:
    """What keeps the demo courses from being what docs/demo-content.md promises: each lesson,
    question and course field in every language, each lesson citing at least one clause that
    exists, each policy block citing a section of the order, and every "§" in the text naming
    a section the order has. An empty list means the content is complete."""
    problems: list[str] = []
    sections = {citation.removeprefix("EO ") for citation in ORDER_CLAUSES}
    for course in courses:
        for language in LANGUAGES:
            if language not in course.texts:
                problems.append(f"{course.slug}: the course has no {language} title and summary.")
        for citation in course.policy_references:
            if citation not in KNOWN_CLAUSES:
                problems.append(f"{course.slug}: the course cites {citation!r}, not a clause.")
        for lesson in course.lessons:
            for language in LANGUAGES:
                if language not in lesson.texts:
                    problems.append(f"{course.slug}/{lesson.slug}: no {language} lesson file.")
            for language, words in lesson.texts.items():
                where = f"{course.slug}/{lesson.slug}.{language}"
                if not words.clauses:
                    problems.append(f"{where}: the lesson cites no clause.")
                for citation in words.clauses:
                    if citation not in KNOWN_CLAUSES:
                        problems.append(f"{where}: the lesson cites {citation!r}, not a clause.")
                for block in words.body:
                    if block["type"] == "policy":
                        cited = CITATION.findall(block["value"]["citation"])
                        if not cited or any(c not in ORDER_CLAUSES for c in cited):
                            problems.append(
                                f"{where}: a policy block cites {block['value']['citation']!r}, "
                                "which is not a section of the order."
                            )
                    for text in _block_texts(block):
                        for number in SECTION_SIGN.findall(text):
                            if f"§{number}" not in sections:
                                problems.append(f"{where}: the order has no §{number}.")
        for number, question in enumerate(course.quiz):
            where = f"{course.slug}: question {number + 1}"
            for language in LANGUAGES:
                if language not in question.texts:
                    problems.append(f"{where} has no {language} translation.")
            if not question.clauses:
                problems.append(f"{where} cites no clause.")
            for citation in question.clauses:
                if citation not in KNOWN_CLAUSES:
                    problems.append(f"{where} cites {citation!r}, not a clause.")
    return problems
