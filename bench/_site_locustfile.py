"""The simulated people of ``bench/site_load.py`` (Locust; not a benchmark of its own).

Every simulated person is a synthetic employee of the benchmark's city, signed in beforehand by
``site_load`` (their session is in the database, as a real sign-in leaves it: sign-in is measured
on its own, as ``login_cost``). ``BENCH_SITE_DATA`` names the JSON file site_load wrote: the
sessions of each stage's people, the courses, their lessons and the right answers to their
quizzes. ``BENCH_SITE_SLOT`` says which stage's people to use, so no two stages share a learner.

- ``Learner`` (80%): "My training", a course, its lessons (each marked read), the quiz page, an
  attempt answered right, the result, "My certificates"; then the next course. Half of them
  read their first course's lessons on an earlier day and start at its quiz.
- ``Liaison`` (15%): their department's roster and their own My training page.
- ``Oei`` (5%): the citywide reports dashboard, the compliance index, a department's roster.
- ``Bare``: the bare-stack view ``/bench/bare/`` with no think time (the stack's ceiling).

Think time is 1 to 3 s between page views (none with ``BENCH_SITE_THINK=0``, the saturation
stage); a form's POST and the page it redirects to count as one view, as in a browser.
"""

import itertools
import json
import os
import random
import re
import secrets
import string
from pathlib import Path

from locust import HttpUser, between, constant, task

DATA = json.loads(Path(os.environ["BENCH_SITE_DATA"]).read_text())
SLOT = DATA["slots"][int(os.environ.get("BENCH_SITE_SLOT", "0"))]
COURSES = {str(course["id"]): course for course in DATA["courses"]}
DEPARTMENTS = DATA["departments"]
POOLS = {kind: itertools.cycle(SLOT[kind]) for kind in ("learners", "liaisons", "oei")}
QUESTION = re.compile(r'name="q-([0-9a-f-]{36})"')


#: ``BENCH_SITE_THINK=0``: no think time (site_load's saturation stage); else 1 to 3 s.
THINKS = os.environ.get("BENCH_SITE_THINK", "1") != "0"


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(1, 3) if THINKS else constant(0)
    pool = "learners"

    def on_start(self):
        self.account = next(POOLS[self.pool])
        self.csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        self.client.cookies.set("sessionid", self.account["session"])
        self.client.cookies.set("csrftoken", self.csrf)
        # One connection per request, as nginx proxies to gunicorn by default (HTTP/1.0 to the
        # upstream): a connection kept open through 1 to 3 s of think time races gunicorn's
        # 2 s keep-alive and is reset under load.
        self.client.headers["Connection"] = "close"

    def view(self, url: str, name: str):
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"GET {name}: {r.status_code or r.error!r}")
        return r

    def submit(self, url: str, name: str, data=None) -> str:
        """POST a form as a browser does; the URL it redirects to ('' if it did not)."""
        payload = {"csrfmiddlewaretoken": self.csrf, **(data or {})}
        headers = {"Referer": self.client.base_url + url}
        with self.client.post(
            url, data=payload, name=name, headers=headers, allow_redirects=False,
            catch_response=True,
        ) as r:  # fmt: skip
            if r.status_code != 302:
                r.failure(f"POST {name}: {r.status_code or r.error!r}")
                return ""
        return r.headers.get("Location", "")


class Learner(SignedIn):
    weight = 16

    def on_start(self):
        super().on_start()
        self.todo = list(self.account["courses"])
        self.quiz_first = self.account.get("quiz_first")
        self.steps = self.journey()

    @task
    def step(self):
        next(self.steps)

    def journey(self):
        if self.quiz_first:
            self.view("/learn/", "my_training")
            yield
            yield from self.quiz(COURSES[str(self.quiz_first)])
        while True:
            self.view("/learn/", "my_training")
            yield
            if not self.todo:
                course = random.choice(list(COURSES.values()))
                self.view(course["url"], "course")
                yield
                self.view(random.choice(course["lessons"])["url"], "lesson")
                yield
                continue
            course = COURSES[str(self.todo.pop(0))]
            self.view(course["url"], "course")
            yield
            self.submit(f"/learn/courses/{course['id']}/start/", "course_start")
            for lesson in course["lessons"]:
                self.view(lesson["url"], "lesson")
                yield
                self.submit(f"/learn/lessons/{lesson['id']}/complete/", "lesson_complete")
            yield from self.quiz(course)

    def quiz(self, course):
        self.view(f"/learn/courses/{course['id']}/quiz/", "quiz")
        yield
        attempt = self.submit(f"/learn/courses/{course['id']}/quiz/start/", "quiz_start")
        if not attempt:
            return
        page = self.view(attempt, "attempt")
        yield
        answers = {
            f"q-{question}": course["answers"][question]
            for question in dict.fromkeys(QUESTION.findall(page.text))
        }
        result = self.submit(attempt, "attempt_submit", answers)
        if result:
            self.view(result, "attempt_result")
        yield
        self.view("/certificates/", "my_certificates")
        yield


class Liaison(SignedIn):
    weight = 3
    pool = "liaisons"

    @task(2)
    def roster(self):
        self.view(f"/compliance/departments/{self.account['department']}/", "liaison_department")

    @task(1)
    def my_training(self):
        # A liaison of one department is sent from /compliance/ straight to its roster.
        self.view("/learn/", "liaison_my_training")


class Oei(SignedIn):
    weight = 1
    pool = "oei"

    @task(2)
    def dashboard(self):
        self.view("/reports/", "oei_reports")

    @task(1)
    def compliance(self):
        self.view("/compliance/", "oei_compliance_index")

    @task(1)
    def department(self):
        self.view(f"/compliance/departments/{random.choice(DEPARTMENTS)}/", "oei_department")


class Bare(SignedIn):
    weight = 1  # chosen alone, by name, for its own stage
    wait_time = constant(0)

    @task
    def bare(self):
        self.view("/bench/bare/", "bare")
