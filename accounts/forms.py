from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from accounts import services
from accounts.models import Organisation, Role, User
from accounts.rules import grant_organisations, grantable_roles


class SignInForm(AuthenticationForm):
    """E-mail and password. The error never says whether the account exists."""

    username = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "Enter the e-mail address and password for your account",
        "inactive": "Enter the e-mail address and password for your account",
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class OrganisationChoiceForm(forms.Form):
    """The first step of giving a role: where. Only the organisations at which the actor may
    give a role are offered. An actor with more than SHOWN of them (the CAP manager has every
    school and setting in the country) finds one by all or part of its name first: the list
    offers at most SHOWN matches, so the page stays small however many there are."""

    SHOWN = 50

    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        empty_label="Choose an organisation",
        error_messages={
            "required": "Choose an organisation",
            "invalid_choice": "Choose an organisation from the list",
        },
    )

    def __init__(self, *args, actor: User, query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        choices = grant_organisations(actor).order_by("name", "pk")
        # Every organisation the actor may choose is valid; only the offered ones are listed.
        self.fields["organisation"].queryset = choices
        self.query = query.strip()[:100]
        offered = choices.filter(name__icontains=self.query) if self.query else choices
        first = list(offered.only("uuid", "name")[: self.SHOWN + 1])
        self.more = len(first) > self.SHOWN
        # With no name typed and too many to list, only the name box is shown, unless a
        # choice came back refused: then the list is shown too, for its error to sit beside.
        self.searching = bool(self.query) or self.more
        shown = self.query or not self.more or self.is_bound
        self.offered = first[: self.SHOWN] if shown else []
        self.fields["organisation"].widget.choices = [("", "Choose an organisation")] + [
            (str(o.uuid), o.name) for o in self.offered
        ]


class RoleForm(forms.Form):
    """The role to give at one organisation: only the roles its kind has and the actor may
    give (accounts.rules.can_grant_role)."""

    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role"},
    )

    def __init__(
        self, *args, actor: User, organisation: Organisation, person: User | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.actor, self.organisation, self.person = actor, organisation, person
        self.fields["role"].choices = grantable_roles(actor, organisation, person)

    def clean_role(self) -> str:
        role = self.cleaned_data["role"]
        if self.person is not None and self.person.pk == self.actor.pk:
            raise forms.ValidationError("You cannot give yourself a role. Ask someone else to")
        if (
            self.person is not None
            and self.person.memberships.filter(organisation=self.organisation, role=role).exists()
        ):
            raise forms.ValidationError(
                f"They are already {Role(role).label.lower()} at {self.organisation.name}"
            )
        return role


class InviteForm(RoleForm):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter their full name"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="We will send a link to this address for them to set their own password.",
        error_messages={
            "required": "Enter their e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=150, required=False)

    field_order = ["full_name", "email", "job_title", "role"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None and not existing.is_active:
            raise forms.ValidationError(
                "The account with this e-mail address has been closed. Ask the CAP team to "
                "reopen it"
            )
        self.person = existing
        return email


class OwnPasswordForm(SetPasswordForm):
    """A person sets their own password, from an invitation or a reset link. Django's
    password validators apply (AUTH_PASSWORD_VALIDATORS)."""

    error_messages = {"password_mismatch": "The passwords do not match"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label, second.label = "Create a password", "Confirm your password"
        first.help_text = (
            "At least 12 characters. Do not use a password you use anywhere else, or one "
            "that is easy to guess."
        )
        first.error_messages["required"] = "Create a password"
        second.error_messages["required"] = "Confirm your password"
        second.help_text = ""

    def clean(self):
        # Django puts a weak password's errors on the confirmation; CAP puts them beside the
        # password itself.
        self.validate_passwords("new_password1", "new_password2")
        if self.cleaned_data.get("new_password1"):
            self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class CapPasswordResetForm(PasswordResetForm):
    """The forgotten-password form. It says the same whether or not an account exists or
    is active; it e-mails active accounts only (an invited person who has not yet set a
    password included), and each at most CAP_PASSWORD_RESET_LIMIT times an hour."""

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        error_messages={
            "required": "Enter your e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def get_users(self, email):
        return User.objects.filter(email__iexact=email.strip(), is_active=True)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        user = context["user"]
        if not services.password_reset_may_send(user=user):
            services.password_reset_throttled_record(user=user)
            return
        context = context | {
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
            "service_name": settings.CAP_SERVICE_NAME,
            "base_url": settings.CAP_BASE_URL,
        }
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
        services.password_reset_sent_record(user=user)


class PeopleSearchForm(forms.Form):
    q = forms.CharField(
        label="Search by name or e-mail address",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )


class SecondFactorForm(forms.Form):
    """A code from the person's authenticator app, or one of their recovery codes."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes",
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-input--width-10",
            }
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "").replace("-", "")
        if not code.isalnum():
            raise forms.ValidationError(
                "Enter the 6-digit code from your authenticator app, or a recovery code"
            )
        return code


class EnrolForm(forms.Form):
    """The first code from a newly set-up authenticator app, to show it works."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        help_text="The 6-digit code your app shows for CAP, like 123456",
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError("Enter the code as 6 digits, like 123456")
        return code
