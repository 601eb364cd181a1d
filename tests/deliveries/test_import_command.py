"""``manage.py import_deliveries``: a Russian report, a progress bar on stderr, a non-zero exit
and no traceback on bad input."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.deliveries.files import CITY_OGRN, write_csv

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_deliveries", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_bad_file_is_refused_with_each_rows_error_and_a_russian_message(world, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [world.row("К-1", wait_in="-1"), world.row("К-1")])
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_deliveries", str(path), "--dry-run", stdout=out, stderr=err)
    assert str(refused.value) == "Загрузка не выполнена: bad.csv."
    assert out.getvalue().splitlines() == [
        "Строка 2, столбец «Ожидание при подаче, мин»: ожидание не может быть отрицательным (-1 мин).",
        "Строка 3, столбец «Номер дела»: номер дела «К-1» уже встречался в строке 2.",
        "Файл не принят: 2 ошибки; ничего не записано.",
    ]
    assert err.getvalue() == "\r[##############################] 100% обработано: 2 строки\n"


def test_the_progress_bar_follows_the_share_of_the_file_read(world, tmp_path, monkeypatch):
    from registry.deliveries import intake

    monkeypatch.setattr(intake, "PROGRESS_EVERY", 1)
    path = write_csv(tmp_path / "ok.csv", [world.row(f"К-{n}") for n in range(4)])
    _out, err = run(str(path), "--dry-run")
    frames = err.split("\r")[1:]
    shares = [int(frame.split("]")[1].split("%")[0]) for frame in frames]
    assert shares == sorted(shares) and shares[0] < 100 and shares[-1] == 100
    assert frames[0].endswith("обработано: 1 строка")
    assert frames[-1] == "[##############################] 100% обработано: 4 строки\n"


def test_excel_progress_counts_rows(world, tmp_path):
    from tests.deliveries.files import write_xlsx

    _out, err = run(str(write_xlsx(tmp_path / "ok.xlsx", [world.row()])), "--dry-run")
    assert err == "\r[##############################] 100% обработано: 1 строка\n"


def test_the_body_option_refuses_another_bodys_rows(world, tmp_path):
    other = world.row("К-2", service=world.permit.registry_number, body=CITY_OGRN, office="", variant="")
    path = write_csv(tmp_path / "scoped.csv", [world.row("К-1"), other])
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_deliveries", str(path), "--body", "1037700029620", "--dry-run", stdout=out)
    assert "Строка 3, столбец «ОГРН органа»: орган с ОГРН «1027300621941» — не ваш" in out.getvalue()


def test_an_unknown_body_or_a_missing_file_is_a_plain_message(world, tmp_path):
    with pytest.raises(CommandError, match="Орган с ОГРН «1000000000009» в реестре не найден."):
        run(str(write_csv(tmp_path / "ok.csv", [world.row()])), "--body", "1000000000009")
    with pytest.raises(CommandError, match="не найден"):
        run(str(tmp_path / "absent.csv"))


def test_the_command_exits_non_zero_without_a_traceback(world, tmp_path):
    import subprocess
    import sys

    path = tmp_path / "pd.csv"
    path.write_text("Номер дела;ФИО\nК-1;Иванов Иван Иванович\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "manage.py", "import_deliveries", str(path), "--dry-run"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "CommandError: Загрузка не выполнена: pd.csv." in done.stderr
    assert "Строка 1, столбец «ФИО»: столбец похож на персональные данные." in done.stdout
