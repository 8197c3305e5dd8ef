"""OEI states training requirements in the Wagtail admin; saving one assigns it at once."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from lms.choosers import SnippetViewSet
from lms.compliance import services
from lms.compliance.models import TrainingRequirement


class TrainingRequirementViewSet(SnippetViewSet):
    model = TrainingRequirement
    icon = "tasks"
    menu_label = _("Training requirements")
    menu_name = "training-requirements"
    add_to_admin_menu = True
    list_display = ["name", "course", "audience", "due_days", "recertify_months", "is_active"]
    list_filter = ["audience", "due_basis", "is_active", "departments"]
    search_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self, request):
        return TrainingRequirement.objects.select_related("course")


register_snippet(TrainingRequirementViewSet)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def assign_requirement(request, instance):
    """A new or changed requirement is (re)assigned as soon as OEI saves it.

    The form has saved the requirement with its departments by the time this runs, so the
    audience computed here is the one OEI just chose.
    """
    if isinstance(instance, TrainingRequirement):
        services.assignments_sync(requirements=[instance])
