"""The forms of the retention pages: a legal hold's reason, set or lifted."""

from django import forms

REASON_MAX = 2000


class HoldForm(forms.Form):
    def __init__(self, *args, lifting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        what = "lifting" if lifting else "placing"
        self.fields["reason"] = forms.CharField(
            label=f"Why are you {what} the legal hold?",
            help_text=(
                "For example, the request or proceedings it concerns and their reference. "
                "Do not write the student’s name."
            ),
            max_length=REASON_MAX,
            widget=forms.Textarea(attrs={"rows": 4}),
            error_messages={
                "required": f"Enter why you are {what} the legal hold",
                "max_length": f"The reason must be {REASON_MAX} characters or fewer",
            },
        )
