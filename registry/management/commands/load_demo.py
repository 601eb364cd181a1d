"""``manage.py load_demo [--admin] [--without-deliveries]``: the reference data, the demo registry
and the demo offices' delivery records, idempotently; with ``--admin`` also the demo users and the
demo inspector's mystery-shopper audits."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from registry.audits.demo import store_demo_audits
from registry.deliveries import generator
from registry.demo import FixtureError, load_demo
from registry.demo_users import DEMO_INSPECTOR, ensure_demo_users
from registry.management.commands.generate_deliveries import demo_period, summary_line

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "admin"


class Command(BaseCommand):
    help = _(
        "Загружает справочники и демонстрационный реестр услуг из fixtures/ и сведения о "
        "предоставлении демонстрационных услуг в офисах за два года. Повторный запуск ничего не меняет."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--admin",
            action="store_true",
            help=_(
                "Создать также суперпользователя admin с паролем admin и демо-пользователей "
                "органов (должностных лиц и согласующих) и проверяющего с паролем demo, а также "
                "демонстрационные проверки «тайный покупатель» (только для локальной демонстрации, "
                "при DEBUG=1)."
            ),
        )
        parser.add_argument(
            "--without-deliveries",
            action="store_true",
            help=_("Не формировать сведения о предоставлении услуг (generate_deliveries)."),
        )

    def handle(self, *args, **options) -> None:
        if options["admin"] and not settings.DEBUG:
            raise CommandError(
                _(
                    "Отказано: --admin создаёт пользователя admin с паролем admin и допускается только "
                    "для локальной демонстрации при DEBUG=1. На рабочем сервере создайте администратора "
                    "командой createsuperuser."
                )
            )
        try:
            with transaction.atomic():
                report = load_demo()
                deliveries = None if options["without_deliveries"] else generator.store_generated()
                admin_outcome = ensure_demo_admin() if options["admin"] else None
                user_lines = ensure_demo_users() if options["admin"] else []
                audits = ensure_demo_audits() if options["admin"] else None
        except FixtureError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        if deliveries is not None:
            self.stdout.write(summary_line(deliveries, demo_period()))
        if admin_outcome is not None:
            self.stdout.write(admin_outcome)
        for line in user_lines:
            self.stdout.write(line)
        if audits is not None:
            self.stdout.write(
                _("Проверки «тайный покупатель»: создано %(count)s.") % {"count": audits}
                if audits
                else _("Проверки «тайный покупатель» уже есть, изменений нет.")
            )
        self.stdout.write(self.style.SUCCESS(_("Демонстрационный реестр загружен.")))


def ensure_demo_audits() -> int:
    """The demo inspector's audits of the demo offices (after the demo users, whose officials
    answer the findings)."""
    inspector = get_user_model()._default_manager.get(username=DEMO_INSPECTOR)
    return store_demo_audits(inspector=inspector)


def ensure_demo_admin() -> str:
    """Create the demo superuser, or restore its flags and password; say what was done."""
    user_model = get_user_model()
    user = user_model._default_manager.filter(username=DEMO_ADMIN_USERNAME).first()
    if user is None:
        user_model._default_manager.create_superuser(
            username=DEMO_ADMIN_USERNAME, email="", password=DEMO_ADMIN_PASSWORD
        )
        return _("Создан суперпользователь admin (пароль admin) — только для локальной демонстрации.")
    changed = []
    for flag in ("is_active", "is_staff", "is_superuser"):
        if not getattr(user, flag):
            setattr(user, flag, True)
            changed.append(flag)
    if not user.check_password(DEMO_ADMIN_PASSWORD):
        user.set_password(DEMO_ADMIN_PASSWORD)
        changed.append("password")
    if not changed:
        return _("Суперпользователь admin уже есть, изменений нет.")
    user.save(update_fields=changed)
    return _("Суперпользователь admin восстановлен (пароль admin, права администратора).")
