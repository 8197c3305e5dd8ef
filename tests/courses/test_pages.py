import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase

from courses.blocks import CalloutBlock, HeadingBlock, ImageBlock, LessonBodyBlock, ScenarioBlock
from courses.models import CoursePage, LessonPage, TrainingIndexPage
from lms.models import HomePage
from tests.factories import (
    CoursePageFactory,
    EmployeeFactory,
    HomePageFactory,
    LessonPageFactory,
    TrainingIndexPageFactory,
)


class TestPageTree(WagtailPageTestCase):
    def test_home_page_only_holds_the_training_index(self):
        self.assertAllowedSubpageTypes(HomePage, {TrainingIndexPage})
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_training_index_holds_courses(self):
        self.assertAllowedParentPageTypes(TrainingIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(TrainingIndexPage, {CoursePage})

    def test_course_holds_lessons_only(self):
        self.assertAllowedParentPageTypes(CoursePage, {TrainingIndexPage})
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage})

    def test_lessons_are_leaves_inside_a_course(self):
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertCanNotCreateAt(TrainingIndexPage, LessonPage)
        self.assertCanNotCreateAt(HomePage, CoursePage)


class TestRendering(WagtailPageTestCase):
    def setUp(self):
        root = Page.get_first_root_node()
        self.home = HomePageFactory(parent=root)
        Site.objects.filter(is_default_site=True).update(root_page=self.home)
        self.index = TrainingIndexPageFactory(parent=self.home)
        self.course = CoursePageFactory(
            parent=self.index, content_note="This course discusses family separation."
        )
        self.lessons = [
            LessonPageFactory(parent=self.course, title=f"Step {i}") for i in range(1, 4)
        ]
        self.employee = EmployeeFactory()

    def test_pages_render_for_a_signed_in_employee(self):
        self.client.force_login(self.employee.user)
        for page in (self.home, self.index, self.course, *self.lessons):
            self.assertPageIsRenderable(page)

    def test_learner_pages_require_login(self):
        for page in (self.course, self.lessons[0]):
            response = self.client.get(page.url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))

    def test_home_lists_live_courses_to_anyone(self):
        draft = CoursePageFactory(parent=self.index, title="Unpublished draft", live=False)
        response = self.client.get(self.home.url)
        assert response.status_code == 200
        self.assertContains(response, self.course.title)
        self.assertNotContains(response, draft.title)

    def test_course_page_shows_outline_content_note_and_start(self):
        self.client.force_login(self.employee.user)
        response = self.client.get(self.course.url)
        self.assertContains(response, "This course discusses family separation.")
        for lesson in self.lessons:
            self.assertContains(response, lesson.title)
        self.assertContains(response, f'href="{self.lessons[0].url}"')

    def test_lesson_page_links_previous_and_next_in_order(self):
        self.client.force_login(self.employee.user)
        response = self.client.get(self.lessons[1].url)
        assert response.context["lesson_number"] == 2
        assert response.context["previous_lesson"].pk == self.lessons[0].pk
        assert response.context["next_lesson"].pk == self.lessons[2].pk
        self.assertContains(response, 'rel="prev"')
        self.assertContains(response, 'rel="next"')

    def test_unknown_page_is_a_404_in_the_site_look(self):
        response = self.client.get("/no-such-course/")
        assert response.status_code == 404
        self.assertContains(response, 'class="usa-skipnav"', status_code=404)


def _render(block, raw):
    value = block.to_python(raw)
    return block.render(block.clean(value))


class TestBlocks:
    def test_heading_renders_the_chosen_level(self):
        assert (
            _render(HeadingBlock(), {"text": "Report it", "level": "h3"}).strip()
            == "<h3>Report it</h3>"
        )

    def test_heading_offers_only_h2_to_h4(self):
        choices = {value for value, _label in HeadingBlock().child_blocks["level"].field.choices}
        assert choices - {""} == {"h2", "h3", "h4"}
        with pytest.raises(ValidationError):
            HeadingBlock().clean(HeadingBlock().to_python({"text": "x", "level": "h1"}))

    def test_callout_kinds(self):
        html = _render(CalloutBlock(), {"kind": "warning", "title": "Stop", "body": "<p>b</p>"})
        assert "usa-alert--warning" in html and "Stop" in html
        html = _render(CalloutBlock(), {"kind": "important", "title": "Note", "body": "<p>b</p>"})
        assert "usa-alert--info" in html

    def test_scenario_has_situation_action_and_reason(self):
        html = _render(
            ScenarioBlock(),
            {
                "title": "Agents at the front desk",
                "situation": "<p>Two agents ask for a list of visitors.</p>",
                "what_to_do": "<p>Follow the City Attorney's guidance.</p>",
                "why": "<p>EO §7.</p>",
            },
        )
        for text in ("Agents at the front desk", "Two agents", "City Attorney", "EO §7"):
            assert text in html

    @pytest.mark.django_db
    def test_image_requires_alt_text(self):
        from wagtail.images.models import Image
        from wagtail.images.tests.utils import get_test_image_file

        image = Image.objects.create(title="Lobby", file=get_test_image_file())
        block = ImageBlock()
        with pytest.raises(ValidationError):
            block.clean(block.to_python({"image": image.pk, "alt_text": "", "caption": ""}))
        html = _render(block, {"image": image.pk, "alt_text": "A library lobby", "caption": ""})
        assert 'alt="A library lobby"' in html

    def test_lesson_body_offers_exactly_the_designed_blocks(self):
        assert set(LessonBodyBlock().child_blocks) == {
            "heading",
            "text",
            "callout",
            "image",
            "video",
            "document",
            "scenario",
            "policy",  # the order's words with their clause (issue 18)
            "sample_guidance",  # set apart as sample guidance (issue 18)
        }
