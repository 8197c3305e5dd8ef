from django import forms
from django.utils.translation import gettext_lazy as _

from lms.reminders.models import Delivery

CHOICES = [(Delivery.SINGLE, Delivery.SINGLE.label), (Delivery.WEEKLY, Delivery.WEEKLY.label)]


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("How do you want to receive training reminders?"),
        choices=CHOICES,
        widget=forms.RadioSelect,
    )
