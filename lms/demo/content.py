"""The demo courses, written from the City of Albuquerque's executive order of 21 July 2025.

This is sample content for demonstrations and tests, not the City's training. Every course and
its first lesson say so. The City Attorney's guidance (EO §7, including the memorandum of
February 10, 2025) is authored and approved by the City Attorney's Office, so the sample never
restates it: it tells employees to follow it and to call that office.

Lesson bodies are stored as raw StreamField data for ``courses.blocks.LessonBodyBlock``. Rich
text is in Wagtail's database format (``<b>``, ``<i>``, ``<p>``, ``<ul>``, ``<ol>``). No image,
video or document blocks: the demo ships without media files.

Each course also has a question bank (``courses.blocks.QuizBankBlock``) written from the order.
Its questions may test that employees follow the City Attorney's guidance and contact that office,
never what the guidance says. Every question and answer choice has a fixed id derived from the
course slug and its position, so the demo's quiz data is the same on every load. Each bank
holds at least twice the questions an attempt draws, so that a retake is a new test, and the
courses' review and waiting settings are sample settings (see docs/quiz-review.md). A failed
attempt shows the explanations, so an explanation cites its clauses and points the learner to
them without naming, quoting or paraphrasing any choice.
"""

import uuid
from dataclasses import dataclass
from datetime import date

# --- Block builders -----------------------------------------------------------------------------

_BLOCK_TAGS = ("<p>", "<ul>", "<ol>")


def _html(*parts: str) -> str:
    """Join rich-text parts; a part that is not already a block (list) becomes a paragraph."""
    return "".join(part if part.startswith(_BLOCK_TAGS) else f"<p>{part}</p>" for part in parts)


def _list(*items: str, ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{item}</li>" for item in items) + f"</{tag}>"


def heading(text: str, level: str = "h2") -> dict:
    return {"type": "heading", "value": {"text": text, "level": level}}


def text(*parts: str) -> dict:
    return {"type": "text", "value": _html(*parts)}


def callout(kind: str, title: str, *parts: str) -> dict:
    return {"type": "callout", "value": {"kind": kind, "title": title, "body": _html(*parts)}}


def scenario(title: str, *, situation: str, what_to_do: str, why: str) -> dict:
    return {
        "type": "scenario",
        "value": {
            "title": title,
            "situation": _html(situation),
            "what_to_do": _html(what_to_do),
            "why": _html(why),
        },
    }


# --- The sample notice --------------------------------------------------------------------------

SAMPLE_NOTICE_TITLE = "Sample content: not the City's official training"

#: Ends every course summary.
SAMPLE_SENTENCE = (
    "Sample demo content written from the executive order of 21 July 2025; the City Attorney's "
    "actual guidance is authored and approved by the City Attorney's Office."
)


def sample_notice() -> dict:
    """The callout that opens the first lesson of every course."""
    return callout(
        "important",
        SAMPLE_NOTICE_TITLE,
        "This course is <b>sample demo content</b>, written for this demonstration from the text "
        "of the City of Albuquerque's executive order of 21 July 2025. It shows what the "
        "training system can do; it is not the City's official training.",
        "The City Attorney's actual guidance, including the memorandum issued to all City "
        "employees on February 10, 2025, is authored and approved by the City Attorney's Office. "
        "This sample does not restate it. <b>Follow that memorandum and your department's "
        "procedures, and contact the City Attorney's Office</b> with any legal question.",
    )


OEI_PHONE = "(505) 768-3491"


# --- Quiz questions -----------------------------------------------------------------------------

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true_false"

#: The namespace of the demo's quiz block ids (see :meth:`CourseContent.quiz_stream_data`).
QUIZ_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "quiz.demo.lms.cabq.example")


@dataclass(frozen=True)
class QuizQuestion:
    kind: str
    text: str
    #: (answer text, is correct), in the order the question lists them.
    choices: tuple[tuple[str, bool], ...]
    explanation: str
    policy_reference: str
    always_include: bool = False


def citations(reference: str) -> list[str]:
    """The clause citations in a reference: "EO §1, §6" cites "EO §1" and "EO §6"."""
    found, prefix = [], ""
    for part in (part.strip() for part in reference.split(",")):
        if part.startswith("§"):
            part = f"{prefix}{part}"
        elif "§" in part:
            prefix = part[: part.index("§")]
        found.append(part)
    return found


def right(answer: str) -> tuple[str, bool]:
    return (answer, True)


def wrong(answer: str) -> tuple[str, bool]:
    return (answer, False)


def single(
    text: str,
    *choices: tuple[str, bool],
    explanation: str,
    reference: str,
    always_include: bool = False,
) -> QuizQuestion:
    """A question with exactly one right answer among ``choices``."""
    return QuizQuestion(SINGLE, text, choices, explanation, reference, always_include)


def multiple(
    text: str,
    *choices: tuple[str, bool],
    explanation: str,
    reference: str,
    always_include: bool = False,
) -> QuizQuestion:
    """A "select all that apply" question: one or more right answers among ``choices``."""
    return QuizQuestion(MULTIPLE, text, choices, explanation, reference, always_include)


def true_false(
    text: str, *, answer: bool, explanation: str, reference: str, always_include: bool = False
) -> QuizQuestion:
    """A statement to judge; its choices are always "True" then "False"."""
    choices = (("True", answer), ("False", not answer))
    return QuizQuestion(TRUE_FALSE, text, choices, explanation, reference, always_include)


# --- Page data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonContent:
    slug: str
    title: str
    summary: str
    body: tuple[dict, ...]


@dataclass(frozen=True)
class CourseContent:
    slug: str
    title: str
    summary: str
    estimated_minutes: int
    audience_note: str
    content_note: str
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

    def quiz_stream_data(self, clause_ids: dict[str, int] | None = None) -> list[dict]:
        """The question bank as raw ``QuizBankBlock`` data, with stable ids: a fresh copy each
        call, so saving a page (which may write into the data) never touches the constants.

        ``clause_ids`` maps a citation ("EO §7") to the id of its clause, which is what a
        question refers to."""
        clause_ids = clause_ids or {}
        return [
            {
                "type": "question",
                "id": self._quiz_id(f"{number}"),
                "value": {
                    "kind": question.kind,
                    "text": question.text,
                    "choices": [
                        {
                            "type": "item",
                            "id": self._quiz_id(f"{number}/choice/{position}"),
                            "value": {"text": answer, "is_correct": is_correct},
                        }
                        for position, (answer, is_correct) in enumerate(question.choices)
                    ],
                    "explanation": question.explanation,
                    "clauses": [
                        str(clause_ids[citation])
                        for citation in citations(question.policy_reference)
                        if citation in clause_ids
                    ],
                    "always_include": question.always_include,
                },
            }
            for number, question in enumerate(self.quiz)
        ]

    def _quiz_id(self, path: str) -> str:
        return str(uuid.uuid5(QUIZ_ID_NAMESPACE, f"{self.slug}/quiz/{path}"))


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


# --- Course 1: the commitments ------------------------------------------------------------------

COMMITMENTS = CourseContent(
    slug="immigrant-friendly-commitments",
    title="Albuquerque's immigrant-friendly commitments",
    summary=(
        "What the Mayor's executive order of 21 July 2025 commits the City to and why: City "
        "resources are not used for federal civil immigration enforcement, OEI leads the work, "
        "the OIRA Steering Committee listens to the community, and every department has a "
        "liaison. " + SAMPLE_SENTENCE
    ),
    estimated_minutes=25,
    audience_note="All City employees, in every department.",
    content_note="",
    policy_references=(
        "C/S R-18-7",
        "EO §1",
        "EO §2",
        "EO §3",
        "EO §4",
        "EO §5",
        "EO §8",
    ),
    lessons=(
        LessonContent(
            slug="why-the-order-exists",
            title="Why the City issued this order",
            summary=(
                "Albuquerque is an immigrant-friendly city. The order explains why that matters "
                "for public safety, the economy and families, and what the City can do within "
                "its own powers."
            ),
            body=(
                sample_notice(),
                heading("An immigrant-friendly city"),
                text(
                    "On 21 July 2025 Mayor Timothy M. Keller signed an executive order titled "
                    "<i>Strengthening the City of Albuquerque's Commitment to Defending Our "
                    "Immigrant-Friendly City Through Inclusive Protection of Immigrant and Refugee "
                    "Populations</i>. It builds on City Council resolution C/S R-18-7, which "
                    "recognised Albuquerque as an immigrant-friendly city committed to the "
                    "dignity, safety and legal protections of all residents regardless of "
                    "immigration status.",
                    "The order starts from a simple statement: the City recognises the humanity "
                    "of all Albuquerque residents, whether they are immigrants, asylum seekers, "
                    "refugees, U.S.-born or naturalized citizens. Every one of them is a resident "
                    "the City serves, and the order asks the City to serve all residents with "
                    "dignity.",
                    "The order responds to federal legislation, including H.R. 1 signed on July "
                    "4, 2025, which expands civil immigration enforcement and detention, and to "
                    "enhanced operations by Immigration and Customs Enforcement (ICE) in "
                    "Albuquerque that have heightened fear in the community. It does not try to "
                    "change federal law. It focuses on what the City itself can do: how City "
                    "resources are used, how City services are delivered, and how the City "
                    "safeguards due process, children and working families.",
                ),
                heading("Why it matters to the City's work"),
                text(
                    "The order gives its reasons in its opening statements. They are worth "
                    "knowing, because they explain the rules that follow:",
                    _list(
                        "<b>Public safety.</b> Victims of domestic violence, sexual assault and "
                        "other crimes report crime, seek safety and serve as witnesses only if "
                        "they can do so without fear that it will lead to their family being "
                        "separated. Immigrant-friendly policies make the whole city safer.",
                        "<b>The economy.</b> One in eight New Mexico workers is an immigrant. In "
                        "2023 immigrants contributed more than $1.5 billion in taxes and spent "
                        "more than $5.6 billion on consumer goods; more than 15,559 immigrant "
                        "entrepreneurs contribute to the economy, and 16% of Albuquerque's small "
                        "businesses are immigrant-owned.",
                        "<b>Due process and equal protection.</b> These constitutional principles "
                        "must be safeguarded for all individuals within the City's jurisdiction.",
                        "<b>Families and children.</b> Keeping families together and children "
                        "safe is a fundamental value, and the well-being of children, including "
                        "unaccompanied migrant minors, must be a top priority.",
                        "<b>Trust.</b> The City supports transparent and accountable governance, "
                        "including public disclosure of immigration enforcement activities that "
                        "may affect residents.",
                    ),
                ),
                heading("What the order covers", "h3"),
                text(
                    "The order has six parts: protection of immigration due process (section 1); "
                    "implementation and oversight (sections 2 to 5); transparency in City "
                    "services (sections 6 to 11); transparency in immigration enforcement "
                    "(sections 12 to 14); protection of children, including migrant youth "
                    "(section 15); and support for working families (sections 16 and 17).",
                    "This course covers the commitments every employee needs to know and who is "
                    "responsible for what. Two further courses cover encountering federal "
                    "immigration agents at City facilities, and trauma-informed protocols for "
                    "children affected by immigration enforcement.",
                ),
                callout(
                    "warning",
                    "Federal law is still federal law",
                    "The order recognises that enforcing federal immigration law is the sole "
                    "responsibility of the federal government. It also says plainly that nothing "
                    "in it requires any City officer or employee to violate federal or state law "
                    "or a valid court order. The City's commitment is about how the City uses its "
                    "own resources.",
                ),
            ),
        ),
        LessonContent(
            slug="city-resources",
            title="City resources and civil immigration enforcement",
            summary=(
                "Section 1: City money, equipment, staff and facilities are not used to assist "
                "federal civil immigration enforcement, except where federal law or a court "
                "order requires it."
            ),
            body=(
                heading("The rule in section 1"),
                text(
                    "Section 1 of the order restates the heart of resolution C/S R-18-7. City "
                    "agencies, departments, officers, employees and agents <b>shall not use City "
                    "resources to assist in or otherwise facilitate the enforcement of federal "
                    "civil immigration laws</b>, except where required by federal law or court "
                    "order.",
                    "The order lists what counts as City resources, and says the list is "
                    "“not limited to” these:",
                    _list(
                        "<b>moneys</b>: City funds and budgets;",
                        "<b>equipment</b>: vehicles, computers, radios, databases, cameras;",
                        "<b>personnel</b>: your working time and your colleagues';",
                        "<b>City facilities</b>: buildings, community centres, libraries, parks, "
                        "pools, buses and transit centres, offices and yards.",
                    ),
                    "It also names the kinds of activity covered: participation in civil "
                    "immigration raids, detentions, and information-sharing efforts.",
                ),
                heading("The two exceptions", "h3"),
                text(
                    "The rule has two exceptions written into it: where <b>federal law</b> "
                    "requires the City to act, and where a <b>court order</b> does. Deciding "
                    "whether a particular request falls under one of them is a legal question. It "
                    "is answered by the City Attorney's Office, not by the employee who happens "
                    "to receive the request.",
                    "The same goes for any request from an agency that you are unsure about: "
                    "pass it to your supervisor, who involves the City Attorney's Office as its "
                    "guidance directs.",
                ),
                callout(
                    "warning",
                    "Do not ask about immigration status",
                    "Serving residents at a desk, in a program or on a bus never requires knowing "
                    "anyone's immigration status, citizenship or nationality. Do not ask, and do "
                    "not write it down if someone tells you. Information the City never collects "
                    "can never be shared.",
                    "If you believe a program you run has a legal eligibility rule that touches "
                    "on status, raise it with your supervisor and the City Attorney's Office "
                    "rather than asking on your own. This training system follows the same rule: "
                    "it holds employment and training records only.",
                ),
                scenario(
                    "A request to look someone up",
                    situation=(
                        "You work at a Family and Community Services front desk. A caller says he "
                        "is with a federal immigration agency. He asks you to check whether a "
                        "woman he names is enrolled in one of your programs and to give him her "
                        "current address."
                    ),
                    what_to_do=_list(
                        "Stay polite. Do not look her up for the caller and do not share "
                        "anything about her on the call.",
                        "Take the caller's name, agency and call-back number, and tell him you "
                        "will pass the request to the person responsible.",
                        "Tell your supervisor straight away. Requests for residents' information "
                        "are handled as the City Attorney's guidance directs, and your department "
                        "reports ICE activity (section 9).",
                    ),
                    why=(
                        "Section 1 names information-sharing among the things City resources are "
                        "not used for, except where federal law or a court order requires it. "
                        "Your time, the program's records and the City's phone line are all City "
                        "resources. Whether this request is one the City must answer is for the "
                        "City Attorney's Office to decide."
                    ),
                ),
                scenario(
                    "A request to use a City yard",
                    situation=(
                        "A Parks and Recreation maintenance crew is asked by people who say they "
                        "are immigration officers to unlock a park storage yard, so they can park "
                        "their vehicles out of sight during an operation in the neighbourhood."
                    ),
                    what_to_do=_list(
                        "Do not unlock the yard or lend keys, vehicles or equipment on your own "
                        "authority.",
                        "Be courteous; do not argue and never physically block anyone.",
                        "Contact your supervisor at once; they follow the City Attorney's "
                        "guidance. Make sure the activity is reported through your department's "
                        "liaison (section 9).",
                    ),
                    why=(
                        "The yard, the keys and the crew's time are City facilities, equipment "
                        "and personnel (section 1). Section 6 adds that City departments shall "
                        "not support secret policing tactics by ICE agents. If there is a court "
                        "order or a legal requirement, the City Attorney's Office will establish "
                        "it."
                    ),
                ),
            ),
        ),
        LessonContent(
            slug="who-does-what",
            title="Who does what: OEI, the OIRA Steering Committee and liaisons",
            summary=(
                "Sections 2 to 5 and 8: OEI leads the order's implementation, the OIRA Steering "
                "Committee listens to the community, and every department has a liaison for "
                "compliance, training and reporting."
            ),
            body=(
                heading("The Office of Equity and Inclusion leads"),
                text(
                    "Section 2 gives the Office of Equity and Inclusion (OEI) the lead in "
                    "implementing the order, and section 5 asks OEI to provide regular progress "
                    "reports to the Mayor or his designee. In this training system, OEI sets the "
                    "courses employees must take and follows every department's progress.",
                    "Under section 4, OEI also continues to share <i>Know Your Rights</i> "
                    "information, looks for more ways to educate the community and, with other "
                    "departments, shares information on City services and assistance programs "
                    "for families affected by federal enforcement actions.",
                    f"Questions about the order go to OEI at {OEI_PHONE}.",
                ),
                heading("The OIRA Steering Committee listens and connects"),
                text(
                    "The Office of Immigrant and Refugee Affairs (OIRA) Steering Committee was "
                    "established in 2021. Section 3 asks it to:",
                    _list(
                        "gather feedback on federal immigration actions and the City's response "
                        "from the community, immigration rights organisations, service providers, "
                        "business owners, health care providers, educators, domestic violence "
                        "advocates, faith leaders and other partners;",
                        "identify ways the City can protect the rights of immigrants;",
                        "work with local nonprofits, legal service providers and schools so that "
                        "people have access to legal representation, counselling and safe "
                        "shelter.",
                    ),
                    "The committee is also one of the three offices that departments report ICE "
                    "activity on City property to (section 9), and it receives what the City "
                    "Attorney's Office learns from its Freedom of Information Act requests "
                    "(section 14).",
                ),
                heading("Every department has a liaison"),
                text(
                    "Section 5 requires every department to designate a liaison to coordinate "
                    "compliance, training and reporting. Your liaison is the person to ask when "
                    "you are not sure how the order applies to your work, and the person who "
                    "makes sure reports reach the right offices.",
                    "In this training system, liaisons see their department's training status, "
                    "remind colleagues who have courses outstanding and confirm the department's "
                    "roster. Section 8 also asks every department to review its programs and "
                    "services for more ways to support families affected by federal immigration "
                    "enforcement; liaisons often gather those ideas.",
                ),
                callout(
                    "important",
                    "Know who your liaison is",
                    "Find out the name of your department's liaison before you need it. If "
                    "something happens at your facility, your supervisor and your liaison are "
                    "your first calls inside your department.",
                ),
                heading("The City Attorney's Office", "h3"),
                text(
                    "The City Attorney's Office issues the guidance employees follow when they "
                    "encounter ICE agents at City facilities (section 7), including the "
                    "memorandum sent to all City employees on February 10, 2025. It also files "
                    "and maintains Freedom of Information Act requests with the U.S. Department "
                    "of Homeland Security and ICE about enforcement activity within or affecting "
                    "Albuquerque, and shares what it learns with the Mayor's Office, the OIRA "
                    "Steering Committee and relevant departments (section 14).",
                ),
            ),
        ),
        LessonContent(
            slug="in-your-job",
            title="What the order means in your job",
            summary="A short checklist for every City employee, and two everyday situations.",
            body=(
                heading("Six things every employee does"),
                text(
                    _list(
                        "<b>Serve every resident with dignity</b>, whatever their background or "
                        "language.",
                        "<b>Do not ask about immigration status</b>, citizenship or nationality, "
                        "and do not write it down.",
                        "<b>Do not use City resources</b> (your time, equipment, records, "
                        "vehicles or facilities) to assist civil immigration enforcement, unless "
                        "the City Attorney's Office confirms that federal law or a court order "
                        "requires it.",
                        "<b>Follow the City Attorney's guidance</b> if you encounter ICE agents at "
                        "a City facility, including the memorandum of February 10, 2025.",
                        "<b>Tell your supervisor and your department's liaison</b> about any ICE "
                        "activity on City property, so the department can report it (section 9).",
                        "<b>Point people to help</b>: OEI's <i>Know Your Rights</i> information "
                        "and the City services available to affected families.",
                        ordered=True,
                    ),
                ),
                callout(
                    "important",
                    "If you are unsure, ask first",
                    "None of this asks you to make legal judgements on the spot. When a situation "
                    "is not covered by your department's procedure, pause, stay courteous, and "
                    "contact your supervisor and the City Attorney's Office before acting.",
                ),
                heading("Helping families find support"),
                text(
                    "Sections 16 and 17 ask the City to identify and support families "
                    "disproportionately affected by immigration enforcement, especially with "
                    "housing, health care, employment and education, and to expand virtual "
                    "access to City services. For most employees this means knowing where to "
                    "refer people: which City programs can help, and that OEI can be reached at "
                    f"{OEI_PHONE}.",
                    "A referral never depends on anyone's immigration status, and you never need "
                    "to know it to make one.",
                ),
                scenario(
                    "A worried rider at the counter",
                    situation=(
                        "At a Transit customer service window, a rider tells you in Spanish that "
                        "she is afraid to take the bus to her medical appointments because of "
                        "rumours about immigration checks at stops. She asks whether the City "
                        "shares rider information with immigration agents."
                    ),
                    what_to_do=_list(
                        "Listen. Reply in Spanish if you or a colleague can; otherwise use your "
                        "department's usual way of getting an interpreter.",
                        "Do not ask about her status, and do not speculate about rumours.",
                        "Tell her that in the Mayor's executive order the City has committed not "
                        "to use City resources, including information, for civil immigration "
                        "enforcement, except where federal law or a court order requires it.",
                        f"Offer OEI's Know Your Rights information and OEI's number, {OEI_PHONE}.",
                        "If she has seen agents at a particular place, tell her she can ask APD "
                        "to confirm whether federal agents are engaged in immigration enforcement "
                        "there (section 10).",
                    ),
                    why=(
                        "The order's purpose is that residents can use City services without "
                        "fear. Accurate information, given calmly and without questions about "
                        "status, is what helps; promises about things outside the City's control "
                        "do not."
                    ),
                ),
                scenario(
                    "A colleague's suggestion",
                    situation=(
                        "During a break, a colleague suggests that the community centre should "
                        "ask families for proof of citizenship when they register for programs, "
                        "“so we know who we're serving.”"
                    ),
                    what_to_do=_list(
                        "Explain that the City serves all residents regardless of immigration "
                        "status and does not ask about it unless the law requires it.",
                        "If your colleague wants to propose a change to registration, it goes "
                        "through your supervisor; any eligibility question involving status is a "
                        "question for the City Attorney's Office.",
                    ),
                    why=(
                        "Asking for status would keep families away from City programs, against "
                        "the purpose of C/S R-18-7 and the order, and information once collected "
                        "can be sought for enforcement. The safest information is information "
                        "never collected."
                    ),
                ),
            ),
        ),
    ),
    quiz_question_count=5,
    quiz=(
        single(
            "Under section 1 of the executive order, when may City resources be used to assist "
            "in the enforcement of federal civil immigration laws?",
            right("Only where federal law or a court order requires it"),
            wrong("Whenever a federal agent asks for help in person"),
            wrong("Whenever the employee's supervisor agrees to it"),
            wrong("Never, even where federal law or a court order requires it"),
            explanation=(
                "Section 1, which follows resolution C/S R-18-7, is the core rule of the executive "
                "order: it covers every City agency, department, officer, employee and agent and "
                "every kind of City resource. This question turns on the clause's last words, so "
                "read section 1 to its end on the executive order page. Sample guidance: how "
                "section 1 applies to a particular request is a legal question that your "
                "supervisor takes to the City Attorney's Office; you do not decide it alone."
            ),
            reference="EO §1",
            always_include=True,
        ),
        multiple(
            "Section 1 names kinds of activity that City resources are not used for. Which of "
            "these does it name? Select all that apply.",
            right("Participation in civil immigration raids"),
            wrong("Reporting ICE activity on City property to the Mayor's Office"),
            right("Detentions"),
            right("Information-sharing efforts"),
            explanation=(
                "Section 1 gives examples of the activities that City resources are not used to "
                "assist in or facilitate. This question asks for those examples as the clause "
                "itself gives them, so read section 1 word by word on the executive order page "
                "rather than answering from memory."
            ),
            reference="EO §1",
        ),
        true_false(
            "Section 1 lists City resources as moneys, equipment, personnel and City "
            "facilities. Anything not on that list, such as the City's records about residents, "
            "may be used to assist civil immigration enforcement.",
            answer=False,
            explanation=(
                "Section 1 introduces its list of City resources with a short phrase, and the "
                "statement depends on it: read the clause word by word on the executive order "
                "page. Section 1 also names the kinds of activity City resources are not used for; "
                "check the statement against both parts."
            ),
            reference="EO §1",
        ),
        single(
            "Which office leads the implementation of the executive order?",
            wrong("The City Attorney's Office"),
            wrong("The Albuquerque Police Department"),
            right("The Office of Equity and Inclusion (OEI)"),
            wrong("The OIRA Steering Committee"),
            explanation=(
                "Section 2 says who leads the implementation of the executive order, and section 5 "
                "says who sends regular progress reports to the Mayor and/or his designee. The "
                "closing paragraph of the order also says where questions about it go. Read those "
                "three passages on the executive order page."
            ),
            reference="EO §2",
        ),
        single(
            "What does section 5 require every City department to do?",
            wrong("Appoint an officer to assist federal immigration enforcement"),
            right("Designate a liaison to coordinate compliance, training and reporting"),
            wrong("File Freedom of Information Act requests with ICE"),
            wrong("Set up its own immigration steering committee"),
            explanation=(
                "Section 5 sets a duty for every City department and a separate one for the Office "
                "of Equity and Inclusion (regular progress reports to the Mayor and/or his "
                "designee). Read it on the executive order page. Knowing who in your department "
                "carries out section 5 before you need them is sample guidance."
            ),
            reference="EO §5",
        ),
        multiple(
            "What does section 3 ask the OIRA Steering Committee to do? Select all that apply.",
            right(
                "Gather feedback from the community and partners on federal immigration actions "
                "and the City's response"
            ),
            right("Identify ways the City can protect the rights of immigrants"),
            wrong("Enforce federal immigration law in Albuquerque"),
            right(
                "Work with local nonprofits, legal service providers and schools so that people "
                "have access to legal representation, counselling and safe shelter"
            ),
            explanation=(
                "Section 3 gives the Office of Immigrant and Refugee Affairs (OIRA) Steering "
                "Committee, set up in 2021, its tasks under the order. Read section 3 on the "
                "executive order page, and compare each option with the clause's own list."
            ),
            reference="EO §3",
        ),
        multiple(
            "Under section 4, what does the Office of Equity and Inclusion do? Select all that "
            "apply.",
            right("Continues to disseminate Know Your Rights information"),
            wrong("Prosecutes people who impersonate law enforcement"),
            right("Identifies additional opportunities to educate the community"),
            right(
                "With other departments, shares information on City services and assistance "
                "programs for families impacted by federal enforcement actions"
            ),
            explanation=(
                "Section 4 lists what the Office of Equity and Inclusion (OEI) does for the "
                "community under the order, besides leading its implementation (section 2). Read "
                "section 4 on the executive order page and compare each option with what it says."
            ),
            reference="EO §4",
        ),
        true_false(
            "The City's immigrant-friendly commitments apply to all residents, regardless of "
            "their immigration status.",
            answer=True,
            explanation=(
                "Resolution C/S R-18-7 made Albuquerque an immigrant-friendly city, and the first "
                "WHEREAS paragraph of the order restates whom that commitment is for. Read that "
                "paragraph and the resolution on the guidance pages, and check the statement "
                "against their wording."
            ),
            reference="C/S R-18-7",
        ),
        single(
            "By phone, someone who says they work for a federal agency asks you to confirm "
            "whether a named resident is enrolled in your City program. What do you do?",
            wrong("Confirm it, since a single name is not a record"),
            wrong("Confirm it if the caller gives a badge number"),
            right(
                "Share nothing, and pass the request to your supervisor, who asks the City "
                "Attorney's Office whether federal law or a court order requires an answer"
            ),
            wrong("Ask the resident about their immigration status first"),
            explanation=(
                "Section 1 sets the rule for City resources, and a program's records are City "
                "resources: read what it says about sharing with enforcement and about its "
                "exceptions. The route a call like this one takes inside your department is sample "
                "guidance: follow its procedure for calls from outside agencies."
            ),
            reference="EO §1",
        ),
        single(
            "What does section 8 ask City departments to do with their existing programs and "
            "services?",
            wrong("Check the immigration status of the people who use them"),
            wrong("Close those that serve residents without legal status"),
            wrong("Send their participant lists to federal agencies"),
            right(
                "Review them to identify additional ways to support families impacted by "
                "federal immigration enforcement actions"
            ),
            explanation=(
                "Section 8 gives City departments a task about their existing programs and "
                "services, and writes its purpose into the clause: read it on the executive order "
                "page. Section 1 applies to that task as to every other use of City resources."
            ),
            reference="EO §8",
        ),
    ),
)


# --- Course 2: encountering federal immigration agents ------------------------------------------

ENCOUNTERS = CourseContent(
    slug="federal-agents-at-city-facilities",
    title="Encountering federal immigration agents at City facilities",
    summary=(
        "What the executive order asks of employees when ICE agents are at a City facility: "
        "follow the City Attorney's guidance, including the memorandum of February 10, 2025; "
        "report ICE activity; know what APD can and cannot do; and recognise people who "
        "impersonate law enforcement. " + SAMPLE_SENTENCE
    ),
    estimated_minutes=30,
    audience_note=(
        "All City employees, especially those who work at front desks, community centres, "
        "libraries, parks, transit and other City facilities open to the public, and their "
        "supervisors."
    ),
    content_note=(
        "This course discusses immigration enforcement at City facilities, including detentions "
        "and people who impersonate officers. Some situations may be familiar or upsetting. You "
        "can pause between lessons and come back later."
    ),
    policy_references=(
        "EO §7",
        "City Attorney memo of 2025-02-10",
        "EO §1",
        "EO §6",
        "EO §9",
        "EO §10",
        "EO §11",
        "EO §12",
        "EO §13",
    ),
    lessons=(
        LessonContent(
            slug="the-guidance-you-follow",
            title="The guidance you follow",
            summary=(
                "Section 7: when you encounter ICE agents at a City facility, you follow the City "
                "Attorney's guidance, including the memorandum of February 10, 2025. Know where "
                "it is before you need it."
            ),
            body=(
                sample_notice(),
                heading("Section 7: the City Attorney's guidance comes first"),
                text(
                    "Section 7 of the executive order is short: when encountering ICE agents at "
                    "City facilities, City employees <b>shall follow any guidance issued by the "
                    "City Attorney's Office</b>, including all previous guidance from the "
                    "memorandum issued to all City employees on February 10, 2025.",
                    "This course does not restate or summarise that memorandum. The memorandum "
                    "and any later guidance are written and approved by the City Attorney's "
                    "Office, and they are the instructions you follow. What this course gives you "
                    "is the framework around them from the executive order: why the guidance "
                    "exists, what you report and to whom, and how to stay safe and courteous "
                    "while you follow it.",
                ),
                heading("Before anything happens", "h3"),
                text(
                    _list(
                        "<b>Read the memorandum of February 10, 2025</b> and any later guidance "
                        "from the City Attorney's Office. If you cannot find your copy, ask your "
                        "supervisor or your department's liaison.",
                        "<b>Know your facility's arrangements</b>: who is in charge on each shift, "
                        "and who contacts the City Attorney's Office.",
                        "<b>Keep the contacts to hand</b>: your supervisor, your department's "
                        "liaison and the City Attorney's Office.",
                    )
                ),
                callout(
                    "warning",
                    "When in doubt, call the City Attorney's Office",
                    "If a situation is not clearly covered by the guidance, do not improvise a "
                    "legal answer. Stay courteous, say that you are contacting the person "
                    "responsible, and contact your supervisor and the City Attorney's Office.",
                ),
                heading("The rules around the guidance"),
                text(
                    "Three other sections of the order frame every encounter:",
                    _list(
                        "<b>Section 1</b>: City resources, including personnel, equipment, "
                        "facilities and information, are not used to assist civil immigration "
                        "enforcement, except where federal law or a court order requires it.",
                        "<b>Section 6</b>: City departments shall not support secret policing "
                        "tactics by ICE agents.",
                        "<b>Section 13</b>: ICE must not disrupt the safety or well-being of City "
                        "public spaces through violent or harmful detainment actions.",
                    ),
                    "And the order's closing provision: nothing in it requires any City officer "
                    "or employee to violate federal or state law or a valid court order. "
                    "Following the City Attorney's guidance is how you meet all of these at once.",
                ),
            ),
        ),
        LessonContent(
            slug="when-agents-are-at-your-facility",
            title="When agents are at your facility",
            summary=(
                "Staying safe, calm and courteous; getting the right people involved; noting what "
                "happened. With two scenarios: a community centre and a library front desk."
            ),
            body=(
                heading("Safety and courtesy first"),
                text(
                    "Whatever the situation, the safety of the public, of children in your care "
                    "and of your colleagues comes first. The order does not ask any employee to "
                    "confront federal agents, and you must never physically interfere with, "
                    "block or touch an officer. Stay calm, speak courteously and be truthful. If "
                    "you do not know something, or you are not the right person to answer, say "
                    "so.",
                    "Then follow the City Attorney's guidance for encounters at City facilities, "
                    "including the memorandum of February 10, 2025, and contact your supervisor. "
                    "If anyone is hurt or in danger, call 911.",
                ),
                heading("Getting the right people involved"),
                text(
                    _list(
                        "Contact your supervisor or the person in charge of the facility "
                        "straight away.",
                        "Your supervisor follows the City Attorney's guidance and involves the "
                        "City Attorney's Office. Requests for access, records or information "
                        "about people are decided there, not at the front desk.",
                        "Tell your department's liaison, so that the department can report the "
                        "activity (section 9, in the next lesson).",
                    )
                ),
                heading("Noting what you saw", "h3"),
                text(
                    "As soon as you safely can, write down what you observed while it is fresh: "
                    "the date, time and exact place; how many people were involved; how they "
                    "identified themselves and whether they showed identification (section 12, "
                    "in lesson 4); any vehicles; what was asked of City staff and what staff did; "
                    "and whether anyone was hurt, detained or distressed, especially children.",
                    "Record only what you saw and heard. Do not guess at or record anyone's "
                    "immigration status or nationality, and do not question members of the "
                    "public to fill in your notes.",
                ),
                scenario(
                    "Agents at a community centre during an after-school program",
                    situation=(
                        "You are the recreation leader on duty at a City community centre. Twenty "
                        "children are in the after-school program in the gym. Three people in "
                        "tactical vests enter the lobby and ask the front desk whether a man they "
                        "name is in the building."
                    ),
                    what_to_do=_list(
                        "Keep the children's routine going in the gym and keep them away from "
                        "the lobby; a colleague stays with them.",
                        "At the desk, stay calm and courteous and never physically interfere. Do "
                        "not look up or share information about anyone; say that you are "
                        "contacting the person responsible.",
                        "Call your supervisor or the centre director at once. They follow the "
                        "City Attorney's guidance, including the memorandum of February 10, "
                        "2025, and contact the City Attorney's Office.",
                        "Afterwards, write down what you observed and make sure your liaison "
                        "knows, so the department reports the activity (section 9).",
                        "If children saw what happened, follow your department's trauma-informed "
                        "protocol (section 15).",
                    ),
                    why=(
                        "Children's safety comes first, and section 13 expects that City public "
                        "spaces are not disrupted by violent or harmful detainment actions. "
                        "Information about the people at the centre is a City resource that "
                        "section 1 says is not used for civil immigration enforcement unless "
                        "federal law or a court order requires it; whether that applies is for "
                        "the City Attorney's Office to decide."
                    ),
                ),
                scenario(
                    "Questions at the library front desk",
                    situation=(
                        "You are on the front desk of a branch library. Two people in plain "
                        "clothes say they are federal agents. They ask for the names of everyone "
                        "who used the public computers this morning, and to see the security "
                        "camera footage."
                    ),
                    what_to_do=_list(
                        "Stay courteous and do not argue. Do not hand over records or footage "
                        "yourself; say that you need to contact the person responsible.",
                        "Contact your branch manager at once. The manager follows the City "
                        "Attorney's guidance, including the memorandum of February 10, 2025, and "
                        "contacts the City Attorney's Office, which decides whether any request "
                        "must be met.",
                        "Note the names and agency they gave, what they asked for, and any "
                        "document they offered.",
                        "Make sure the visit is reported through your department's liaison "
                        "(section 9).",
                    ),
                    why=(
                        "Patron records and camera footage are City information and equipment. "
                        "Section 1 says they are not used for information-sharing in civil "
                        "immigration enforcement except where federal law or a court order "
                        "requires it, and deciding that is a legal question for the City "
                        "Attorney's Office. Reporting the visit keeps the City's response "
                        "transparent."
                    ),
                ),
            ),
        ),
        LessonContent(
            slug="reporting-ice-activity",
            title="Reporting ICE activity on City property",
            summary=(
                "Section 9: departments report any ICE activity on City properties or facilities "
                "to the Mayor's Office, the City Attorney's Office and the OIRA Steering "
                "Committee. What you pass on, and why."
            ),
            body=(
                heading("What section 9 requires"),
                text(
                    "Section 9 requires City departments to report <b>any ICE activity on City "
                    "properties or facilities</b> to three offices: the Mayor's Office, the City "
                    "Attorney's Office, and the OIRA Steering Committee.",
                    "“Any” activity means more than arrests. A question at a desk, vehicles "
                    "staged in a City parking lot, agents in a park or at a transit centre, or a "
                    "detention outside a library are all examples. If you are not sure whether "
                    "something counts, pass it on: your liaison and the City Attorney's Office "
                    "can decide.",
                ),
                heading("How a report reaches those offices", "h3"),
                text(
                    "The duty to report belongs to the department. For employees it is simple: "
                    "<b>tell your supervisor and your department's liaison the same day</b>, "
                    "with the notes you made. Your department's procedure says who then sends the "
                    "report to the three offices. If the City Attorney's Office was already "
                    "called during the encounter, still make sure your liaison knows, so that "
                    "nothing is missed.",
                ),
                callout(
                    "warning",
                    "What a report must not contain",
                    "A report describes what federal agents did on City property. It does not "
                    "describe anyone's immigration status or nationality, and it does not guess "
                    "who was targeted or why. Do not collect community members' names or details "
                    "for a report. If someone wants to share their experience, point them to OEI "
                    f"at {OEI_PHONE}.",
                ),
                heading("Why reporting matters"),
                text(
                    "The order commits the City to transparent and accountable governance, "
                    "including routine public disclosure of immigration enforcement activities "
                    "that may affect residents. Department reports let the Mayor's Office see "
                    "what is happening across the City, let the City Attorney's Office give "
                    "timely guidance, and let the OIRA Steering Committee help connect affected "
                    "people with legal representation, counselling and safe shelter (section 3).",
                    "They complement section 14, under which the City Attorney's Office files "
                    "regular Freedom of Information Act requests with the Department of Homeland "
                    "Security and ICE about enforcement activity affecting Albuquerque, and "
                    "shares the results with the Mayor's Office, the OIRA Steering Committee and "
                    "relevant departments.",
                ),
                scenario(
                    "Vehicles in a park parking lot",
                    situation=(
                        "Early one morning a park maintenance worker sees several unmarked "
                        "vehicles in the parking lot of a City park. People in vests marked "
                        "“ICE” are gathered beside them. They leave after an hour without "
                        "speaking to anyone."
                    ),
                    what_to_do=_list(
                        "Do not approach or interfere; carry on working at a safe distance.",
                        "Note the date, time and place, the number of vehicles and people, and "
                        "the markings you saw.",
                        "Tell your supervisor and your department's liaison the same day, so the "
                        "department can report it.",
                    ),
                    why=(
                        "Section 9 covers any ICE activity on City properties, not only "
                        "encounters with staff. Even activity that seems uneventful helps the "
                        "Mayor's Office, the City Attorney's Office and the OIRA Steering "
                        "Committee understand what is happening in the community."
                    ),
                ),
            ),
        ),
        LessonContent(
            slug="identification-apd-and-impersonators",
            title="Identification, APD's role and impersonators",
            summary=(
                "Sections 10 to 13: the City's expectation that ICE agents identify themselves "
                "clearly, what APD can and cannot do, and what to do when someone may be "
                "impersonating law enforcement."
            ),
            body=(
                heading("Clear identification (section 12)"),
                text(
                    "Section 12 sets out the City's expectation of ICE as a law enforcement "
                    "agency: its employees should behave in a way that is beyond reproach, "
                    "communicate clearly, and identify themselves clearly and consistently as "
                    "ICE agents. The order points to the federal standards for enforcement "
                    "activities in 8 CFR 287.8.",
                    "The order's opening statements explain why. Society entrusts law "
                    "enforcement with great authority, including the powers to detain, arrest, "
                    "carry firearms and use force. Working in uniform signals professionalism "
                    "and denies rogue or bad actors the chance to defraud or hurt people.",
                    "For you, this means noticing how people identify themselves and recording "
                    "it in what you pass on. It does not mean confronting anyone or demanding "
                    "identification.",
                ),
                heading("What APD can and cannot do (section 10)"),
                text(
                    "The Albuquerque Police Department cannot legally interfere with ICE "
                    "activity. But when a member of the community who has observed activity at a "
                    "specific location asks, APD will help confirm whether federal agents are "
                    "engaged in immigration enforcement activity there.",
                    "So if a resident asks you whether the people they saw were really "
                    "immigration agents, you can tell them that APD will, on request, help "
                    "confirm it for a specific location. Anyone in danger should call 911.",
                ),
                callout(
                    "important",
                    "For APD employees",
                    "A community member's request to confirm activity is a request for "
                    "information under section 10. Handle it under APD's procedures, and do not "
                    "ask the caller about anyone's immigration status.",
                ),
                heading("People who impersonate law enforcement (section 11)"),
                text(
                    "The order notes numerous community complaints of people impersonating law "
                    "enforcement to defraud or injure vulnerable residents. Impersonation erodes "
                    "trust in genuine officers and makes everyone less safe. Section 11 commits "
                    "the City to exhaust all available avenues to prosecute, to the highest "
                    "degree allowed, those who defraud the public and commit crimes by "
                    "impersonating law enforcement.",
                    "Warning signs include someone who says they are an officer but will not say "
                    "which agency they are from; who demands money or gift cards to “fix” an "
                    "immigration problem or prevent an arrest; or who asks for documents or bank "
                    "details by phone or at the door.",
                ),
                scenario(
                    "A question on the bus",
                    situation=(
                        "A rider boarding your bus says men in dark vests with no visible badges "
                        "are questioning people at the previous stop. She asks whether they are "
                        "really immigration agents and whether she should get off."
                    ),
                    what_to_do=_list(
                        "Stay calm and keep driving your route safely.",
                        "Do not guess who the men are. Tell her that APD will, on request, help "
                        "confirm whether federal agents are engaged in immigration enforcement "
                        "at a specific location, and that anyone in danger should call 911.",
                        "Do not ask about her status.",
                        "Report what you were told to dispatch and your supervisor, so that "
                        "Transit's liaison can report any ICE activity at City facilities "
                        "(section 9).",
                    ),
                    why=(
                        "Section 10 gives residents a way to find out whether activity is genuine "
                        "immigration enforcement, and section 11 exists because people do "
                        "impersonate officers. Your part is accurate information and a safe "
                        "ride, not an investigation."
                    ),
                ),
                scenario(
                    "A demand for money at the door",
                    situation=(
                        "At a senior centre, a regular visitor tells you that a man who said he "
                        "was from “immigration” came to her home, showed a badge she did not "
                        "recognise, and said her grandson would be detained unless she paid "
                        "$2,000 by the end of the week."
                    ),
                    what_to_do=_list(
                        "Listen and reassure her. Tell her that officers do not take payments to "
                        "stop an arrest, and that this sounds like the kind of impersonation the "
                        "City takes seriously.",
                        "Encourage her to report it to APD, calling 911 if she feels in danger "
                        "now, and offer to help her make the call.",
                        f"Share OEI's Know Your Rights information and OEI's number, {OEI_PHONE}.",
                        "Do not ask about her or her grandson's status, and do not promise any "
                        "outcome.",
                        "Tell your supervisor.",
                    ),
                    why=(
                        "Section 11 commits the City to prosecute people who defraud the public "
                        "by impersonating law enforcement, and that depends on victims feeling "
                        "safe to report. Immigrant-friendly policies exist so that victims of "
                        "crime can come forward without fear."
                    ),
                ),
            ),
        ),
    ),
    quiz_question_count=5,
    quiz=(
        single(
            "Under section 7, when you encounter ICE agents at a City facility, whose guidance "
            "do you follow?",
            wrong("Whatever the agents ask of you"),
            wrong("Your own judgement of what the law requires"),
            right(
                "Guidance issued by the City Attorney's Office, including the memorandum of "
                "February 10, 2025"
            ),
            wrong("The OIRA Steering Committee's instructions"),
            explanation=(
                "Section 7 says whose direction employees follow when they meet immigration agents "
                "at a City facility. This sample course does not restate that direction: read "
                "section 7 on the executive order page, then the documents it points to, before "
                "the next attempt."
            ),
            reference="EO §7",
            always_include=True,
        ),
        single(
            "A situation at your facility is not clearly covered by the City Attorney's "
            "guidance. What do you do?",
            wrong("Work out the legal answer yourself and act on it"),
            wrong("Do whatever gets the agents to leave fastest"),
            wrong("Refuse to speak to anyone and block the door"),
            right("Stay courteous, and contact your supervisor and the City Attorney's Office"),
            explanation=(
                "Section 7 says whose direction employees follow when immigration agents come to a "
                "facility. What to do where that direction is silent is not in the order: this "
                "course's lesson “The guidance you follow” gives its sample guidance for that "
                "case. Review it before the next attempt."
            ),
            reference="EO §7",
        ),
        multiple(
            "Under section 9, City departments report any ICE activity on City properties or "
            "facilities to which offices? Select all that apply.",
            wrong("The U.S. Department of Homeland Security"),
            right("The Mayor's Office"),
            right("The City Attorney's Office"),
            wrong("The local news media"),
            right("The OIRA Steering Committee"),
            explanation=(
                "Section 9 names the recipients of the reports City departments make about ICE "
                "activity on City properties or facilities; learn them from the clause on the "
                "executive order page. Sample guidance: tell your supervisor and your department's "
                "liaison the same day, with your notes, and your department's procedure passes the "
                "report on."
            ),
            reference="EO §9",
            always_include=True,
        ),
        true_false(
            "Section 9 covers only arrests: unmarked ICE vehicles parked in a City park's lot do "
            "not need to be reported.",
            answer=False,
            explanation=(
                "Section 9 says which ICE activity on City properties or facilities departments "
                "report: read its exact scope on the executive order page. Sample guidance: note "
                "what you saw, without guessing about anyone's immigration status, and tell your "
                "supervisor and liaison the same day."
            ),
            reference="EO §9",
        ),
        true_false(
            "APD cannot legally interfere with ICE activity, but when a community member who "
            "has observed activity at a specific location asks, APD will help confirm whether "
            "federal agents are engaged in immigration enforcement there.",
            answer=True,
            explanation=(
                "Section 10 says what APD can and cannot do about ICE activity, and what a "
                "community member who has seen activity at a specific location may ask it for. "
                "Compare the statement with the clause word by word. Sample guidance: anyone in "
                "danger should call 911."
            ),
            reference="EO §10",
        ),
        multiple(
            "Which of these are warning signs that someone may be impersonating law "
            "enforcement? Select all that apply.",
            wrong("They identify themselves clearly and consistently as ICE agents"),
            right("They demand money or gift cards to prevent an arrest"),
            right("They will not say which agency they are from"),
            right("They ask for bank details by phone or at the door"),
            explanation=(
                "The order's preamble records numerous community complaints of people "
                "impersonating law enforcement to defraud or injure vulnerable residents; section "
                "11 commits the City to prosecute them to the highest degree allowable, and "
                "section 12 describes the conduct expected of ICE and its employees. Sample "
                "guidance: if you suspect impersonation, tell your supervisor, and call 911 if "
                "anyone is in danger."
            ),
            reference="EO §11",
        ),
        single(
            "People who say they are immigration officers ask a Parks maintenance crew to "
            "unlock a City storage yard so they can park out of sight during an operation. What "
            "should the crew do?",
            wrong("Unlock it, because helping federal officers is always required"),
            right(
                "Not unlock it on their own authority; stay courteous and contact their "
                "supervisor, who follows the City Attorney's guidance"
            ),
            wrong("Stand in front of the gate to stop the officers physically"),
            wrong("Lend them the keys quietly and tell no one"),
            explanation=(
                "A storage yard, its locks and a crew's working time are among the resources "
                "section 1 covers (facilities, equipment and personnel), and section 6 is about "
                "secret policing tactics by ICE agents. Section 7 says whose direction applies "
                "when agents are at a municipal facility, and section 9 says the activity is "
                "reported. Read all four clauses before the next attempt."
            ),
            reference="EO §1, §6",
        ),
        single(
            "What does section 12 of the order expect of ICE agents?",
            wrong("That they work in plain clothes so as not to alarm the public"),
            wrong("That City employees demand to see their badges"),
            wrong("That they ask City staff for help locating people"),
            right("Clear communication, and clear and consistent identification as ICE agents"),
            explanation=(
                "Section 12 describes the conduct expected of ICE as a law enforcement agency "
                "holding a special public trust, and points to the federal standards in 8 CFR "
                "287.8. Read it on the executive order page. Sample guidance: your part is to "
                "notice and note what you see, not to confront anyone."
            ),
            reference="EO §12",
        ),
        true_false(
            "Lending agents a City vehicle so that they can watch a City building without being "
            "noticed would be consistent with section 6 of the order.",
            answer=False,
            explanation=(
                "Section 6 is about secret policing tactics by ICE agents, and section 1 says what "
                "counts as a City resource: apply both to the statement. Sample guidance: a "
                "request like this goes to your supervisor, who follows the direction of section "
                "7; never physically interfere with anyone."
            ),
            reference="EO §6, §1",
        ),
        single(
            "Which of these does section 13 say ICE must not do in the City's public spaces?",
            wrong("Walk through a City park"),
            wrong("Ask City staff for directions"),
            right(
                "Disrupt their safety or well-being through violent or harmful detainment actions"
            ),
            wrong("Park in a public City parking lot"),
            explanation=(
                "Section 13 says what ICE must not do to City public spaces: read its exact words "
                "on the executive order page. Whatever happens, section 9 says ICE activity on "
                "City properties is reported. Calling 911 when anyone is hurt or in danger is "
                "sample guidance."
            ),
            reference="EO §13",
        ),
    ),
)


# --- Course 3: trauma-informed protocols for minors ---------------------------------------------

MINORS = CourseContent(
    slug="trauma-informed-protocols-for-minors",
    title="Trauma-informed protocols for minors affected by immigration enforcement",
    summary=(
        "Section 15 of the executive order asks every City department serving children and "
        "youth to develop trauma-informed protocols for minors affected by immigration "
        "enforcement, including unaccompanied and separated children. This course explains the "
        "principles behind those protocols and how to support children and their families. "
        + SAMPLE_SENTENCE
    ),
    estimated_minutes=30,
    audience_note=(
        "Employees of departments that serve children and youth (in this demo: Parks and "
        "Recreation, Family and Community Services, and Arts and Culture, including libraries) "
        "and their supervisors. Recommended for anyone who works with families."
    ),
    content_note=(
        "This course discusses children whose parents or caregivers have been detained or "
        "separated from them by immigration enforcement, and how fear and loss affect children. "
        "If this topic is close to your own experience, take it at your own pace, pause between "
        "lessons whenever you need to, and talk to your supervisor if it would help."
    ),
    policy_references=("EO §15", "EO §16", "EO §8", "EO §3", "EO §4"),
    lessons=(
        LessonContent(
            slug="what-section-15-asks",
            title="What section 15 asks of departments",
            summary=(
                "Led by the Child Wellbeing Impact Officer with OEI, every department serving "
                "children and youth develops trauma-informed protocols, including for "
                "unaccompanied and separated children."
            ),
            body=(
                sample_notice(),
                heading("The commitment"),
                text(
                    "Section 15 of the executive order reads: led by the City's Child Wellbeing "
                    "Impact Officer, in collaboration with the Office of Equity and Inclusion "
                    "(OEI), all City departments serving children and youth shall develop "
                    "trauma-informed protocols to assist minors impacted by immigration "
                    "enforcement, including unaccompanied and separated children.",
                    "The order explains why in its opening statements: keeping families together "
                    "and children protected and safe is a fundamental value for the City, and the "
                    "safety and well-being of children, including unaccompanied migrant minors, "
                    "must be a top priority in all public policies and practices.",
                ),
                heading("Who does what", "h3"),
                text(
                    _list(
                        "<b>The Child Wellbeing Impact Officer</b> leads the work across the City.",
                        "<b>OEI</b> collaborates, and ties the protocols into the rest of the "
                        "order's implementation and training.",
                        "<b>Each department serving children and youth</b> develops a protocol "
                        "for its own settings: community centres, pools and summer programs, "
                        "early childhood and youth programs, libraries, museums and the BioPark, "
                        "among others.",
                        "<b>Every employee in those departments</b> knows the protocol and "
                        "follows it.",
                    )
                ),
                heading("Unaccompanied and separated children", "h3"),
                text(
                    "The order names two groups of children. <b>Unaccompanied children</b> came "
                    "to the United States without a parent or legal guardian to care for them. "
                    "<b>Separated children</b> have been separated from their parents or usual "
                    "caregivers, for example because a parent has been detained, though they "
                    "may still be with other relatives. A child at a City program can become "
                    "separated in the middle of an ordinary day.",
                    "You will rarely know which group a child belongs to, and you should not ask. "
                    "What matters is that the child is safe and cared for now.",
                ),
                callout(
                    "warning",
                    "Never ask a child about immigration status",
                    "Do not ask a child, or a parent, about immigration status, citizenship or "
                    "how they came to the country, and do not record it. The protocols exist to "
                    "help children feel safe; questions about status do the opposite, and the "
                    "City does not need that information to help.",
                ),
            ),
        ),
        LessonContent(
            slug="how-fear-and-loss-affect-children",
            title="How fear and loss affect children",
            summary=(
                "What trauma is, how it can show at different ages, and the principles of a "
                "trauma-informed response."
            ),
            body=(
                heading("What we mean by trauma"),
                text(
                    "A traumatic experience is one that overwhelms a person's ability to cope and "
                    "leaves them feeling unsafe. For a child, seeing a parent detained, hearing "
                    "that a relative has been taken, or living with the constant fear that it "
                    "could happen, can be traumatic. So can the sudden loss of routine that "
                    "follows: a different home, missed school days, adults who are frightened "
                    "themselves.",
                    "Being trauma-informed does not mean acting as a therapist. It means "
                    "understanding that a child's behaviour may be a response to fear, "
                    "responding in ways that help the child feel safe again, and avoiding things "
                    "that make it worse.",
                ),
                heading("How it can show at different ages", "h3"),
                text(
                    _list(
                        "<b>Young children</b> may cling to adults, cry more, return to earlier "
                        "behaviour such as thumb-sucking or toileting accidents, or play out what "
                        "they saw.",
                        "<b>School-age children</b> may complain of stomach aches or headaches, "
                        "find it hard to concentrate, become irritable or withdrawn, or worry "
                        "constantly about family members.",
                        "<b>Teenagers</b> may seem angry or numb, pull away from friends, take "
                        "risks, or take on adult responsibilities such as caring for younger "
                        "brothers and sisters.",
                    ),
                    "None of these signs proves that a child has been through anything in "
                    "particular, and many children show no outward sign at all. Notice; do not "
                    "diagnose.",
                ),
                heading("The principles"),
                text(
                    _list(
                        "<b>Safety.</b> Physical safety first, then emotional safety: a calm "
                        "place, familiar faces, predictable routines.",
                        "<b>Calm.</b> Your tone matters more than your words. A steady, quiet "
                        "voice and simple language help a child settle.",
                        "<b>A trusted adult.</b> Stay with the child, and help them reach a "
                        "parent, caregiver or another adult they trust.",
                        "<b>Choice and voice.</b> Offer small choices, such as where to sit or "
                        "whether to draw or talk, so the child regains some control. Listen if "
                        "they want to talk; do not push if they do not.",
                        "<b>No questions about status.</b> Do not ask about immigration status, "
                        "documents or how the family came to the country. You do not need to "
                        "know.",
                        "<b>Honesty without false promises.</b> Say what you know and what will "
                        "happen next. Do not promise what you cannot control, such as “your mom "
                        "will be back tonight.”",
                        "<b>Referral.</b> Connect the child and family to help through your "
                        "supervisor and your department's protocol, rather than trying to solve "
                        "everything yourself.",
                        ordered=True,
                    )
                ),
                callout(
                    "warning",
                    "Do not make a child retell what happened",
                    "Asking a child to describe a distressing event again and again can deepen "
                    "the harm. If a child tells you something, listen, thank them for telling "
                    "you, and pass it on to your supervisor. Leave any detailed conversation to "
                    "professionals.",
                    "If a child tells you they are being harmed, or you suspect abuse or neglect, "
                    "follow your department's child-protection reporting procedure as usual.",
                ),
            ),
        ),
        LessonContent(
            slug="responding-in-the-moment",
            title="Responding in the moment",
            summary=(
                "What to do when a child in your care is affected by immigration enforcement: "
                "the steps, and two scenarios."
            ),
            body=(
                heading("Steps in the moment"),
                text(
                    _list(
                        "<b>Make the child physically safe.</b> Move them, and other children, "
                        "away from any enforcement activity to a quiet, familiar space.",
                        "<b>Stay with the child.</b> Do not leave an upset child alone, and keep "
                        "the staff-to-child ratios your program requires.",
                        "<b>Be calm and simple.</b> Get down to the child's eye level, use their "
                        "name, and keep sentences short: “You are safe here. I am staying with "
                        "you.”",
                        "<b>Keep the routine where you can.</b> A snack, a familiar activity or "
                        "the usual seat helps.",
                        "<b>Reach a trusted adult.</b> Use the contacts on the child's "
                        "registration. Release the child only to an adult authorised under your "
                        "program's pick-up rules.",
                        "<b>Tell your supervisor</b>, who follows the department's protocol and "
                        "knows whom to call next.",
                        "<b>Write down what happened</b>, factually and without guessing about "
                        "anyone's status, and pass it on.",
                        ordered=True,
                    )
                ),
                heading("In the days that follow", "h3"),
                text(
                    "A frightening event does not end when the child goes home. In the days "
                    "after, the child may be quieter, more clingy or more easily upset than "
                    "usual, or may seem fine and struggle later. Keep the routine predictable, "
                    "greet the child warmly by name, and give a little extra patience.",
                    "Let the colleagues who work with the child know, on a need-to-know basis, so "
                    "that everyone responds in the same calm way, and watch for the signs "
                    "described in the previous lesson. If you are worried about how the child is "
                    "coping, tell your supervisor, who can follow up with the family under the "
                    "department's protocol.",
                ),
                callout(
                    "important",
                    "Your department's protocol governs",
                    "Section 15 asks each department serving children and youth to develop its "
                    "own protocol, led by the Child Wellbeing Impact Officer with OEI. Where your "
                    "department's protocol is more specific than this sample course, follow the "
                    "protocol.",
                ),
                scenario(
                    "No one comes to pick up",
                    situation=(
                        "At the end of an after-school program at a community centre, an "
                        "eight-year-old's father has not arrived. Another parent quietly tells "
                        "you she heard he was detained by immigration agents near his work this "
                        "afternoon. The boy keeps asking where his dad is."
                    ),
                    what_to_do=_list(
                        "Stay with him in a calm place and keep the usual end-of-day routine "
                        "going. Do not pass on rumours to him.",
                        "Be honest and simple: “Your dad isn't here yet. I'm going to stay with "
                        "you while we reach someone from your family.”",
                        "Call the other adults listed on his registration, and release him only "
                        "to an authorised adult.",
                        "Tell your supervisor at once. They follow the department's protocol, "
                        "which says whom to contact if no authorised adult can be reached.",
                        "Do not ask the boy or the other parents about anyone's immigration "
                        "status.",
                        "Afterwards, make sure your liaison knows, so the family can be offered "
                        "support (section 16).",
                    ),
                    why=(
                        "The boy may have just become a separated child in the sense of section "
                        "15. What helps most is safety, a calm trusted adult and a predictable "
                        "routine, while the people responsible under the protocol find the right "
                        "adult to care for him."
                    ),
                ),
                scenario(
                    "A teenager at the library",
                    situation=(
                        "A fifteen-year-old who often studies at the library stays on after the "
                        "closing announcement. When you check on her, she says immigration agents "
                        "took her mother this morning and she does not want to go home because "
                        "the house is empty."
                    ),
                    what_to_do=_list(
                        "Listen, and thank her for telling you. Do not ask about her or her "
                        "mother's status, and do not push for details.",
                        "Stay with her, or make sure a colleague does, until someone takes over; "
                        "do not send her out alone at closing.",
                        "Ask whether there is a relative or another trusted adult she would like "
                        "to contact, and help her reach them.",
                        "Contact your supervisor, who follows the department's protocol, "
                        "including for a minor who may have no caregiver at home.",
                        "Offer information about support for families, without promising outcomes.",
                    ),
                    why=(
                        "She is a minor who may now be separated from her caregiver. A "
                        "trauma-informed response gives her safety, some say in who is "
                        "contacted, and a trusted adult, while the protocol makes sure a "
                        "responsible adult takes over."
                    ),
                ),
            ),
        ),
        LessonContent(
            slug="supporting-families",
            title="Supporting children's families",
            summary=(
                "Section 16 and related commitments: connecting families to help with housing, "
                "health care, employment and education, and looking after yourself."
            ),
            body=(
                heading("Support for working families (section 16)"),
                text(
                    "Section 16 directs relevant City departments to identify and support "
                    "families disproportionately affected by immigration enforcement, "
                    "particularly in housing, health care, employment and education. Section 8 "
                    "asks every department to review its programs and services for more ways to "
                    "support these families, and section 17 commits the City to expanding "
                    "virtual access to services and supporting secure interactions with other "
                    "government agencies.",
                    "The order also recognises that the economic security of working families "
                    "must be prioritised when federal actions destabilise essential programs. "
                    "When a parent is detained, a household can lose its income overnight, and "
                    "children feel that loss directly.",
                ),
                heading("Making a good referral", "h3"),
                text(
                    _list(
                        "Know the City programs that serve families in your area, and who in "
                        "your department makes referrals.",
                        "Offer information; do not pressure. Families decide whether to take it "
                        "up.",
                        f"Share OEI's <i>Know Your Rights</i> information and OEI's number, "
                        f"{OEI_PHONE}.",
                        "Through the OIRA Steering Committee, the City works with nonprofits, "
                        "legal service providers and schools so that families can find legal "
                        "representation, counselling and safe shelter (section 3). Your "
                        "supervisor or liaison can tell you how to connect a family with them.",
                        "Never make help depend on immigration status, and never ask about it.",
                    )
                ),
                callout(
                    "important",
                    "Keep what families tell you confidential",
                    "Share what a family tells you only with the people who need it to help them, "
                    "as your department's procedures allow. Do not write down anyone's "
                    "immigration status, and do not discuss families' situations with colleagues "
                    "who are not involved.",
                ),
                heading("Looking after yourself"),
                text(
                    "Supporting frightened children and families is hard, and it can affect you, "
                    "especially if the topic is close to your own life. Notice your own stress, "
                    "talk to your supervisor, and use the support the City offers its employees.",
                    "A calm adult is what children need most, and looking after yourself is part "
                    "of being able to be that adult.",
                ),
                scenario(
                    "A parent asks for help",
                    situation=(
                        "At a family program, a mother tells you that her husband was detained "
                        "last week. She is behind on rent, and her daughter has stopped going to "
                        "school because she is afraid to leave the house."
                    ),
                    what_to_do=_list(
                        "Listen without asking about status, and thank her for trusting you.",
                        "Tell her about the City programs you know of for housing and for "
                        "children's education, and offer to connect her with the person in your "
                        "department who makes referrals.",
                        f"Give her OEI's Know Your Rights information and number, {OEI_PHONE}, "
                        "and tell her the City works with legal service providers and "
                        "counsellors through the OIRA Steering Committee.",
                        "With her agreement, let the staff of her daughter's program know, so "
                        "they can follow the department's trauma-informed protocol.",
                    ),
                    why=(
                        "Sections 15 and 16 work together: a child's well-being depends on the "
                        "family's stability, and the order directs departments to support "
                        "families affected by enforcement with housing, health care, employment "
                        "and education."
                    ),
                ),
            ),
        ),
    ),
    quiz_question_count=5,
    quiz=(
        single(
            "Who leads the work on trauma-informed protocols under section 15?",
            right("The City's Child Wellbeing Impact Officer, in collaboration with OEI"),
            wrong("The City Attorney's Office, in collaboration with APD"),
            wrong("The OIRA Steering Committee, on its own"),
            wrong("Each employee, working alone"),
            explanation=(
                "Section 15 names who leads the development of trauma-informed protocols for "
                "minors impacted by immigration enforcement. Read section 15 on the executive "
                "order page; the protocol your department adopts is the one you follow."
            ),
            reference="EO §15",
        ),
        single(
            "Which City departments must develop trauma-informed protocols under section 15?",
            wrong("Only the Albuquerque Police Department"),
            wrong("Only the Office of Equity and Inclusion"),
            right("All City departments serving children and youth"),
            wrong("Only departments that run schools"),
            explanation=(
                "Section 15 says where in the City's organisation trauma-informed protocols are "
                "developed; each protocol is written for its own settings, and the employees it "
                "covers follow it (sample guidance). Read the clause's opening words on the "
                "executive order page."
            ),
            reference="EO §15",
        ),
        multiple(
            "Section 15 protocols assist minors impacted by immigration enforcement. Which "
            "groups of children does the order name? Select all that apply.",
            right("Unaccompanied children"),
            wrong("Only children who are U.S. citizens"),
            right("Separated children"),
            wrong("Only children enrolled in a City program"),
            explanation=(
                "Section 15 names the groups of minors its protocols assist: read the clause to "
                "its end on the executive order page. Sample guidance: you will rarely know a "
                "child's circumstances, and you should not ask about them; what matters is that "
                "the child is safe and cared for now."
            ),
            reference="EO §15",
        ),
        true_false(
            "To help a child affected by immigration enforcement, you should first find out "
            "their family's immigration status.",
            answer=False,
            explanation=(
                "Section 15 asks for protocols that assist minors impacted by immigration "
                "enforcement, and resolution C/S R-18-7 commits the City to all residents. Sample "
                "guidance: think about what a question about a family's status does to a child's "
                "sense of safety, and what you need to know to help."
            ),
            reference="EO §15",
        ),
        multiple(
            "At the end of an after-school program, an eight-year-old's father has not arrived, "
            "and another parent says he was detained. Which steps belong in a trauma-informed "
            "response? Select all that apply.",
            right("Stay with the child in a calm place and keep the usual routine going"),
            wrong("Tell the child what the other parent heard, so he knows"),
            right("Release the child only to an adult authorised on his registration"),
            right("Tell your supervisor, who follows the department's protocol"),
            wrong("Ask the other parents about the family's immigration status"),
            explanation=(
                "Section 15 asks each department serving children and youth to have a "
                "trauma-informed protocol for situations like this one, and this sample course's "
                "lesson “Responding in the moment” describes the principles (sample guidance). "
                "Review that lesson, and your department's protocol, before the next attempt."
            ),
            reference="EO §15",
            always_include=True,
        ),
        true_false(
            "Where your department's trauma-informed protocol is more specific than this sample "
            "course, you follow the department's protocol.",
            answer=True,
            explanation=(
                "Section 15 asks each City department serving children and youth to develop its "
                "own protocol, led by the Child Wellbeing Impact Officer with OEI; this course is "
                "sample content, as its notice says. Consider which of the two is written for your "
                "settings."
            ),
            reference="EO §15",
        ),
        single(
            "Under section 16, in which areas do relevant City departments identify and "
            "support families disproportionately affected by immigration enforcement?",
            wrong("Only legal representation in immigration court"),
            right("Housing, health care, employment and education"),
            wrong("Tax filing and vehicle registration"),
            wrong("None: support is left to federal agencies"),
            explanation=(
                "Section 16 names the areas in which relevant departments identify and support "
                "families disproportionately affected by immigration enforcement: read its list on "
                "the executive order page. Sample guidance: connect families to help through your "
                "supervisor and your department's referral process, never making help depend on "
                "status."
            ),
            reference="EO §16",
        ),
        single(
            "Under section 3, the OIRA Steering Committee works with local nonprofits, legal "
            "service providers and schools so that people have access to what?",
            wrong("Federal immigration enforcement records"),
            wrong("Immigration status checks at school enrolment"),
            right("Legal representation, counselling and safe shelter options"),
            wrong("Private detention contracts"),
            explanation=(
                "Section 3 says what the OIRA Steering Committee's work with local partners is "
                "meant to ensure access to; read it on the executive order page. For a family you "
                "work with, the kinds of help it names are what your department's referral process "
                "points to (sample guidance)."
            ),
            reference="EO §3",
        ),
        single(
            "A parent at a library story time asks where to find information about their "
            "rights. Which office does section 4 task with disseminating Know Your Rights "
            "information?",
            wrong("Immigration and Customs Enforcement"),
            wrong("The Albuquerque Police Department"),
            wrong("The City Attorney's Office"),
            right("The Office of Equity and Inclusion (OEI)"),
            explanation=(
                "Section 4 names the office that disseminates Know Your Rights information and, "
                "with other departments, shares information on City services for families impacted "
                "by federal enforcement actions. The order's closing paragraph says where "
                "questions go. Pointing a parent there, rather than giving advice of your own, is "
                "sample guidance."
            ),
            reference="EO §4",
        ),
        multiple(
            "Section 8 asks City departments to review their existing programs and services. "
            "Which of these fit the purpose of that review? Select all that apply.",
            right("Finding ways a youth program can support a child whose parent was detained"),
            wrong("Finding out which participants are not U.S. citizens"),
            right("Identifying services that could help families affected by enforcement"),
            wrong("Preparing participant lists for federal agencies"),
            explanation=(
                "Section 8 states the purpose of the review it asks departments to make: read it "
                "on the executive order page. Section 1 applies to the review as to every use of "
                "City resources."
            ),
            reference="EO §8, §1",
        ),
    ),
)

COURSES: tuple[CourseContent, ...] = (COMMITMENTS, ENCOUNTERS, MINORS)


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
        name="Front-line staff: encountering federal agents",
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

#: The clauses each demo lesson teaches, cited as the courses cite them ("EO §7").
LESSON_CLAUSES: dict[str, tuple[str, ...]] = {
    "why-the-order-exists": ("C/S R-18-7", "EO §1"),
    "city-resources": ("EO §1",),
    "who-does-what": ("EO §2", "EO §3", "EO §4", "EO §5"),
    "in-your-job": ("EO §1", "EO §8"),
    "the-guidance-you-follow": ("EO §7", "City Attorney memo of 2025-02-10"),
    "when-agents-are-at-your-facility": ("EO §6", "EO §7", "EO §13"),
    "reporting-ice-activity": ("EO §9",),
    "identification-apd-and-impersonators": ("EO §10", "EO §11", "EO §12"),
    "what-section-15-asks": ("EO §15",),
    "how-fear-and-loss-affect-children": ("EO §15",),
    "responding-in-the-moment": ("EO §15",),
    "supporting-families": ("EO §16", "EO §8"),
}
