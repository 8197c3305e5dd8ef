"""The chooser of the project's snippets, under the Content-Security-Policy.

A snippet viewset registers its chooser's widget for every foreign key to its model when
Wagtail's admin URLs load (``ChooserViewSet.on_register``). Wagtail's widget writes its starting
``<script>`` bare, which the policy refuses ("Choose department" on an employee did nothing):
:class:`SnippetViewSet` is Wagtail's, with a chooser whose widget is
:class:`lms.widgets.SnippetChooser` (the script given the request's nonce). Every snippet of the
project is registered with it (or a subclass)."""

from wagtail.snippets.views.chooser import SnippetChooserViewSet as WagtailSnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet as WagtailSnippetViewSet

from lms.widgets import SnippetChooser


class SnippetChooserViewSet(WagtailSnippetChooserViewSet):
    base_widget_class = SnippetChooser


class SnippetViewSet(WagtailSnippetViewSet):
    chooser_viewset_class = SnippetChooserViewSet
