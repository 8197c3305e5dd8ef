"""The LMS roles, as Django groups, and the permissions each one carries.

The groups are created by a data migration (``organisation.0002_roles``) through
:func:`roles_sync`, which is idempotent and also restores them after a test flush.
"""

from django.apps import apps as live_apps
from django.contrib.auth.management import create_permissions
from django.utils.translation import gettext_lazy as _

EMPLOYEE = "Employee"
LIAISON = "Department liaison"
OEI_ADMIN = "OEI administrator"
CONTENT_EDITOR = "Content editor"
LEGAL_REVIEWER = "Legal reviewer"

ROLE_LABELS = {
    EMPLOYEE: _("Employee"),
    LIAISON: _("Department liaison"),
    OEI_ADMIN: _("OEI administrator"),
    CONTENT_EDITOR: _("Content editor"),
    LEGAL_REVIEWER: _("Legal reviewer"),
}

#: Roles allowed into the Wagtail admin at /admin/.
STAFF_ROLES = (OEI_ADMIN, CONTENT_EDITOR, LEGAL_REVIEWER)

#: Model permissions per role, as "app_label.codename".
ROLE_PERMISSIONS: dict[str, list[str]] = {
    EMPLOYEE: [],
    LIAISON: [
        "organisation.view_department_compliance",
        "compliance.view_assignment",
        "compliance.add_extension",
        "compliance.add_exemption",
        "compliance.add_rosterconfirmation",
        "compliance.add_reminderrequest",
        "certificates.archive_certificates",
    ],
    OEI_ADMIN: [
        "wagtailadmin.access_admin",
        "organisation.add_department",
        "organisation.change_department",
        "organisation.view_department",
        "organisation.add_employee",
        "organisation.change_employee",
        "organisation.view_employee",
        "organisation.add_liaison",
        "organisation.change_liaison",
        "organisation.delete_liaison",
        "organisation.view_liaison",
        "organisation.view_department_compliance",
        "organisation.view_citywide_reports",
        "compliance.add_trainingrequirement",
        "compliance.change_trainingrequirement",
        "compliance.view_trainingrequirement",
        "compliance.view_assignment",
        "compliance.add_extension",
        "compliance.view_extension",
        "compliance.add_exemption",
        "compliance.view_exemption",
        "compliance.view_rosterconfirmation",
        "compliance.add_reminderrequest",
        "reminders.change_reminderpolicy",
        "reminders.view_reminderlog",
        "reminders.view_digest",
        # Accounts of employees and liaisons only, never a staff role, "Administrator" or a
        # password: lms.organisation.access enforces it (separation of duties, docs/roles.md).
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
        "courses.view_guidancedocument",
        "courses.view_courseedition",
        "courses.view_acknowledgment",
        "certificates.view_certificate",
        "certificates.revoke_certificate",
        "certificates.archive_certificates",
        "certificates.change_certificatesettings",
        "lms.change_organisationsettings",
        # issue 19: the HR roster feed's folder and the files it read
        "organisation.change_rosterfeedsettings",
        "organisation.view_rosterfeedfile",
    ],
    CONTENT_EDITOR: [
        "wagtailadmin.access_admin",
        "courses.add_guidancedocument",
        "courses.change_guidancedocument",
        "courses.view_guidancedocument",
        "courses.add_courseedition",
        "courses.view_courseedition",
        # Translate a course (wagtail-localize); the translation is approved like any page.
        "wagtail_localize.submit_translation",
    ],
    LEGAL_REVIEWER: [
        "wagtailadmin.access_admin",
        "courses.view_guidancedocument",
        "courses.view_courseedition",
    ],
}

#: Page permissions per role, granted on the root page (so on the whole tree).
ROLE_PAGE_PERMISSIONS: dict[str, list[str]] = {
    # Editors submit guidance to the "City Attorney approval" workflow; they never publish it.
    CONTENT_EDITOR: ["add_page", "change_page", "lock_page", "unlock_page"],
    LEGAL_REVIEWER: ["change_page", "publish_page", "lock_page", "unlock_page"],
}

#: Image and document permissions per role, granted on the root collection.
ROLE_COLLECTION_PERMISSIONS: dict[str, list[str]] = {
    CONTENT_EDITOR: [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
    LEGAL_REVIEWER: ["wagtailimages.choose_image", "wagtaildocs.choose_document"],
    # The logo and signature image printed on certificates (CertificateSettings).
    OEI_ADMIN: ["wagtailimages.add_image", "wagtailimages.choose_image"],
}


def roles_sync(apps=None) -> None:
    """Create the role groups and give each exactly its permissions (idempotent).

    ``apps`` is the migration state when called from a migration, else the live registry.
    """
    if apps is None:
        apps = live_apps
    # Permissions are normally created after migrate; a data migration needs them now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    def permissions(dotted_names: list[str]) -> list:
        # An app migrated later than the calling migration has no permissions yet; a later
        # migration (organisation.0003 and after) syncs again once it has. The roles test
        # checks the final result equals ROLE_PERMISSIONS, so a typo cannot hide here.
        found = []
        for dotted in dotted_names:
            app_label, codename = dotted.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                found.append(permission)
        return found

    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()

    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(permissions(perms))

        if root_page is not None:
            wanted = permissions([f"wagtailcore.{p}" for p in ROLE_PAGE_PERMISSIONS.get(role, [])])
            GroupPagePermission.objects.filter(group=group).exclude(permission__in=wanted).delete()
            for perm in wanted:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=perm
                )
        if root_collection is not None:
            wanted = permissions(ROLE_COLLECTION_PERMISSIONS.get(role, []))
            GroupCollectionPermission.objects.filter(group=group).exclude(
                permission__in=wanted
            ).delete()
            for perm in wanted:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=perm
                )
