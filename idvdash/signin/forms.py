from allauth.account.forms import LoginForm as AllauthLoginForm


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, its login field posted as `username` (id_username).

    idvdash signs in by username only; the field keeps the name the sign-in form has
    always had, so django-axes and every client of the form see `username`.
    """

    def add_prefix(self, field_name: str) -> str:
        if field_name == "login":
            field_name = "username"
        return super().add_prefix(field_name)
