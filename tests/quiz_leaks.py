"""Does a quiz question's explanation give its answer away? (issue 14)

After a failed attempt the learner sees each question's explanation, never the correct choice
(docs/quiz-review.md). An explanation that repeats a choice's text tells the learner which
choice is right (or wrong). These helpers compare texts the way a harvesting learner would:
case-insensitive, punctuation stripped, word by word.
"""

import re

#: A run of this many words shared by a choice and the explanation counts as quoting it.
RUN = 5

#: Words too common to identify a choice: a shared "the" or "city" tells a learner nothing.
COMMON = frozenset(
    """a an and are as at be by for from in is it its of on or that the their them they this
    to with""".split()
)


def words(text: str) -> list[str]:
    """The words of ``text``, lower case, without punctuation ("Attorney's" -> "attorneys")."""
    text = text.lower().replace("’", "").replace("'", "")
    return re.findall(r"[a-z0-9]+", text)


def _contains(haystack: list[str], needle: list[str]) -> bool:
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


def leaks(explanation: str, choice: str, run: int = RUN) -> str | None:
    """How ``explanation`` quotes ``choice``, or None: the whole choice (without a leading
    article), or a run of ``run`` of its words in a row."""
    said, quoted = words(explanation), words(choice)
    while quoted and quoted[0] in ("a", "an", "the"):
        quoted = quoted[1:]
    if quoted and _contains(said, quoted):
        return f"the whole choice {' '.join(quoted)!r}"
    for i in range(len(quoted) - run + 1):
        if _contains(said, quoted[i : i + run]):
            return f"the words {' '.join(quoted[i : i + run])!r}"
    return None


def overlap(explanation: str, choice: str) -> float:
    """The share of the choice's meaningful words that the explanation also uses."""
    own = {word for word in words(choice) if word not in COMMON}
    if not own:
        return 0.0
    return len(own & set(words(explanation))) / len(own)


def guess(kind: str, choices: list[str], explanation: str) -> set[str] | None:
    """The choice texts a learner would pick from the explanation alone, or None when the
    explanation singles nothing out. Deterministic: the same texts give the same guess.

    A single-choice or true-or-false question: the one choice that overlaps the explanation
    most (a tie singles nothing out). A "select all that apply" question: every choice that
    shares at least half its meaningful words with the explanation."""
    scores = {choice: overlap(explanation, choice) for choice in choices}
    if kind == "multiple":
        picked = {choice for choice, score in scores.items() if score >= 0.5}
        return picked or None
    best = max(scores.values(), default=0.0)
    top = [choice for choice, score in scores.items() if score == best]
    return set(top) if best > 0 and len(top) == 1 else None
