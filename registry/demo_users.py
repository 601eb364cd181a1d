"""Demo officials and reviewers of two demo bodies, and a registry-wide inspector who audits the
offices of every body (``manage.py load_demo --admin``, DEBUG only).

Every account's password is ``demo``: local demonstration only, never a real server."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from registry.models import Membership, ProviderBody, Role

DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    body_ogrn: str | None  # None: a role over the whole registry
    role: str


MVD = "1037700029620"  # МВД России
ULYANOVSK = "1027300621941"  # Администрация г. Ульяновска

DEMO_USERS = (
    DemoUser("mvd_official", "Ольга", "Петрова", MVD, Role.OFFICIAL),
    DemoUser("mvd_reviewer", "Роман", "Сидоров", MVD, Role.REVIEWER),
    DemoUser("ul_official", "Ирина", "Кузнецова", ULYANOVSK, Role.OFFICIAL),
    DemoUser("ul_reviewer", "Андрей", "Волков", ULYANOVSK, Role.REVIEWER),
    DemoUser("inspector", "Инна", "Смирнова", None, Role.INSPECTOR),
)
DEMO_INSPECTOR = "inspector"


def ensure_demo_users() -> list[str]:
    """Create the demo accounts and their roles, or restore them; say what was done.

    Needs the demo bodies (``load_demo`` loads them first)."""
    user_model = get_user_model()
    lines = []
    for demo in DEMO_USERS:
        body = ProviderBody.objects.get(ogrn=demo.body_ogrn) if demo.body_ogrn else None
        user, created = user_model._default_manager.get_or_create(
            username=demo.username,
            defaults={"first_name": demo.first_name, "last_name": demo.last_name, "is_active": True},
        )
        changed = created
        if not user.is_active:
            user.is_active = True
            changed = True
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            changed = True
        if changed:
            user.save()
        _membership, role_added = Membership.objects.get_or_create(user=user, body=body, role=demo.role)
        if created or changed or role_added:
            lines.append(
                _("Демо-пользователь %(username)s (пароль %(password)s): %(role)s — %(body)s.")
                % {
                    "username": demo.username,
                    "password": DEMO_PASSWORD,
                    "role": Role(demo.role).label,
                    "body": (body.short_name or body.full_name) if body else _("все органы"),
                }
            )
    if not lines:
        lines.append(_("Демо-пользователи уже есть, изменений нет."))
    return lines
