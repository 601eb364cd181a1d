"""``manage.py generate_deliveries [--months 24] [--scale 1.0] [--seed N] [--end ГГГГ-ММ-ДД] [--csv FILE]``:
realistic delivery records for the demo offices, stored (idempotently) or written as an intake CSV."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.deliveries import generator
from registry.deliveries.generator import (
    DEMO_END,
    DEMO_MONTHS,
    DEMO_SEED,
    generate_rows,
    month_starts,
    store_generated,
    write_csv,
)
from registry.wording import counted


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("Дата «%(value)s» не разбирается: ожидается ГГГГ-ММ-ДД.") % {"value": value}
        ) from exc


class Command(BaseCommand):
    help = _(
        "Формирует правдоподобные сведения о предоставлении демонстрационных услуг в офисах за "
        "несколько месяцев и сохраняет их (повторный запуск с теми же параметрами ничего не меняет) "
        "или записывает файлом CSV в формате загрузки (import_deliveries)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months", type=int, default=DEMO_MONTHS, help=_("За сколько месяцев."))
        parser.add_argument(
            "--scale", type=float, default=1.0, help=_("Множитель числа запросов (1.0 — полный объём).")
        )
        parser.add_argument(
            "--seed", type=int, default=DEMO_SEED, help=_("Зерно генератора случайных чисел.")
        )
        parser.add_argument(
            "--end",
            default=DEMO_END.isoformat(),
            help=_("Последний день периода, ГГГГ-ММ-ДД (по умолчанию %(end)s).")
            % {"end": DEMO_END.isoformat()},
        )
        parser.add_argument(
            "--csv",
            metavar="FILE",
            help=_("Не сохранять, а записать строки в файл CSV (UTF-8, разделитель «;»)."),
        )

    def handle(self, *args, **options) -> None:
        months, scale = options["months"], options["scale"]
        end = _date(options["end"])
        if months < 1:
            raise CommandError(_("Число месяцев должно быть положительным."))
        if scale <= 0:
            raise CommandError(_("Масштаб должен быть больше нуля."))
        if end >= timezone.localdate():
            raise CommandError(
                _(
                    "Последний день периода (%(end)s) должен быть в прошлом: "
                    "сведения о будущем не принимаются."
                )
                % {"end": end.strftime("%d.%m.%Y")}
            )
        period = describe_period(months=months, end=end, seed=options["seed"], scale=scale)
        if options["csv"]:
            path = Path(options["csv"])
            rows = generate_rows(months=months, end=end, seed=options["seed"], scale=scale)
            try:
                with path.open("w", encoding="utf-8", newline="") as stream:
                    written = write_csv(rows, stream)
            except OSError as exc:
                raise CommandError(
                    _("Файл %(path)s не записан: %(error)s") % {"path": path, "error": exc}
                ) from exc
            self.stdout.write(
                _("Записано в %(path)s: %(rows)s за %(period)s.")
                % {
                    "path": path,
                    "rows": counted(written, _("строка"), _("строки"), _("строк")),
                    "period": period,
                }
            )
            return
        result = store_generated(months=months, end=end, seed=options["seed"], scale=scale)
        self.stdout.write(summary_line(result, period))


def describe_period(*, months: int, end: datetime.date, seed: int, scale: float) -> str:
    return _("%(months)s мес. (%(first)s–%(end)s), зерно %(seed)s, масштаб %(scale)s") % {
        "months": months,
        "first": month_starts(months=months, end=end)[0].strftime("%d.%m.%Y"),
        "end": end.strftime("%d.%m.%Y"),
        "seed": seed,
        "scale": f"{scale:g}".replace(".", ","),
    }


def demo_period() -> str:
    """The period ``load_demo`` stores (read at call time: tests make the demo smaller)."""
    return describe_period(
        months=generator.DEMO_MONTHS,
        end=generator.DEMO_END,
        seed=generator.DEMO_SEED,
        scale=generator.DEMO_SCALE,
    )


def summary_line(result, period: str) -> str:
    return _(
        "Сведения о предоставлении услуг за %(period)s: создано %(created)s, изменено %(updated)s, "
        "без изменений %(unchanged)s."
    ) % {
        "period": period,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }
