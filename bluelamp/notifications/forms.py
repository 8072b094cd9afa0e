from django import forms


class EmailPreferencesForm(forms.Form):
    """The kinds of notification whose e-mail the person may turn off: ticked, they get it."""

    email_kinds = forms.MultipleChoiceField(
        label="E-mail me about", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_kinds"].choices = [(kind.key, kind.label) for kind in kinds]
