"""What a backup must bring back, read from the configured database: the figures recorded next
to a dump when it is taken, and the checks a restored copy must pass (docs/deployment.md,
"Backups")."""

from dataclasses import asdict, dataclass, field

from django.db import connection

from registry.exchange.changes import last_sequence
from registry.models import ChangeLog, Edition, EditionStatus, Service
from registry.validation.engine import validate_editions

# Editions validated per round of queries: the validator's loader reads each chunk's rows in a
# fixed number of queries, so memory stays bounded at any size of the registry.
VALIDATION_CHUNK = 200


@dataclass(frozen=True)
class RegistryFigures:
    """Counts a restored copy is compared on. ``last_sequence`` is the newest number of the change
    sequence that ``export?since=`` hands to receivers: a copy missing the newest changes would
    send them a number they have already passed."""

    services: int
    published_editions: int
    last_sequence: int
    changes: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def registry_figures() -> RegistryFigures:
    return RegistryFigures(
        services=Service.objects.count(),
        published_editions=Edition.objects.filter(status=EditionStatus.PUBLISHED).count(),
        last_sequence=last_sequence(),
        changes=ChangeLog.objects.count(),
    )


def next_change_number() -> int | None:
    """The number PostgreSQL's counter will give the next change (None on SQLite, which numbers
    from the table's largest key). A restored counter behind the table would hand out numbers
    receivers have already seen."""
    if connection.vendor != "postgresql":
        return None
    table = ChangeLog._meta.db_table
    column = ChangeLog._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        (sequence_name,) = cursor.fetchone()
        if sequence_name is None:
            return None
        cursor.execute(f"SELECT last_value, is_called FROM {sequence_name}")
        last_value, is_called = cursor.fetchone()
    return last_value + 1 if is_called else last_value


@dataclass(frozen=True)
class EditionFailure:
    """A published edition the publication validator now refuses."""

    registry_number: str
    edition_number: int
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def published_edition_failures() -> tuple[int, list[EditionFailure]]:
    """Run the publication validator, as the publish path does (its errors refuse), on every
    edition in force: the count checked, and the editions it refuses."""
    editions = list(
        Edition.objects.filter(status=EditionStatus.PUBLISHED)
        .order_by("service__registry_number")
        .values_list("pk", "number", "service__registry_number")
    )
    failures = []
    for start in range(0, len(editions), VALIDATION_CHUNK):
        chunk = editions[start : start + VALIDATION_CHUNK]
        reports = validate_editions(pk for pk, _number, _registry_number in chunk)
        for pk, number, registry_number in chunk:
            errors = reports[pk].errors
            if errors:
                failures.append(
                    EditionFailure(
                        registry_number=registry_number,
                        edition_number=number,
                        errors=[
                            f"{error.citation}: {error.message}" if error.citation else str(error.message)
                            for error in errors
                        ],
                    )
                )
    return len(editions), failures
