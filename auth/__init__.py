"""Who may change what: identities, roles and the role table (pure Python, no streamlit).

Two ways to run (the page Daten → „Über diese Installation“ says which):

* *Einzelplatz* (no ``[auth]`` section in ``.streamlit/secrets.toml``): one person on their
  own machine holds every role; the author of a change is the operating-system user unless
  typed otherwise.
* *Mehrplatz* (``[auth]`` configured): sign-in through the city's single sign-on
  (Streamlit's OpenID Connect). Without sign-in the app is read-only; editing needs
  :data:`EDIT` (*Bearbeitung*), managing roles :data:`ADMIN` (*Verwaltung*, which includes
  editing). Roles come from a claim of the identity provider (:mod:`auth.claims`) or, where
  the provider sends none, from the role table in the database (:mod:`auth.table`, managed
  with ``begegnungsatlas rollen``).

Every write path of the app calls ``ui.auth.require(auth.EDIT, "…")`` at the point of
writing; the check itself is :func:`auth.identity.require` here.
"""

from auth.identity import (
    ADMIN,
    EDIT,
    ROLE_NAMES,
    Identity,
    NotAllowedError,
    anonymous,
    cli_identity,
    os_user,
    require,
    single_user,
)

__all__ = [
    "ADMIN",
    "EDIT",
    "ROLE_NAMES",
    "Identity",
    "NotAllowedError",
    "anonymous",
    "cli_identity",
    "os_user",
    "require",
    "single_user",
]
