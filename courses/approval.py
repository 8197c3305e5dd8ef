"""The City Attorney's approval of guidance: a Wagtail workflow every page goes through.

Installed by a migration (``courses.0009``) and again by the demo loader, because a test flush
removes the root page it is attached to. Content editors can submit but not publish; members
of the Legal reviewer group approve (which publishes) or reject with a comment.
"""

from lms.organisation.roles import LEGAL_REVIEWER

WORKFLOW_NAME = "City Attorney approval"
TASK_NAME = "Legal review by the City Attorney's Office"


def approval_workflow_ensure(apps=None):
    """Create the workflow and its task if missing and attach it to the tree root (idempotent).

    ``apps`` is the migration state when called from a migration, else the live registry.
    Returns the workflow, or None when there is no root page or no Legal reviewer group yet.
    """
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    root = Page.objects.filter(depth=1).first()
    group = Group.objects.filter(name=LEGAL_REVIEWER).first()
    if root is None or group is None:
        return None
    task_type, _created = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_type, active=True)
    task.groups.set([group])
    workflow, _created = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return workflow
