"""Relevance of the catalogue search: recall@3 and MRR of citizens' queries on the demo registry.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reg_bench python bench/search_relevance.py
    DATABASE_URL=sqlite:////tmp/bench.db python bench/search_relevance.py [--show-misses]

Makes a fresh test database next to the one ``DATABASE_URL`` names (Django's ``test_`` prefix;
in memory on SQLite), migrates it, loads the reference data and the demo registry
(``registry.demo.load_demo``, with the synonym dictionary), runs every query of the queries file
through the catalogue's own filter (``ServiceFilter``, sorted by relevance, as the list page
does) and drops the database.

The queries file (``bench/search_queries.tsv``): one query a line, a tab, the right answers
separated by «|» — a registry number, or ``~words`` that the right service's full or short name
holds (case and «ё» ignored), for services of the growing demo registry whose numbers are not
fixed. A query none of whose answers is in the registry is skipped and counted.

For a query with R right answers in the registry: recall@3 = right answers among the first three
results / min(R, 3); reciprocal rank = 1 / the position of the first right answer (0 if none is
found). The figures are their means over the queries run.
"""

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django  # noqa: E402

django.setup()

QUERIES_FILE = ROOT / "bench" / "search_queries.tsv"
TOP = 3


@dataclass(frozen=True)
class Case:
    query: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    case: Case
    right: frozenset[str]  # registry numbers of the right answers present in the registry
    found: tuple[str, ...]  # registry numbers in the order of the results

    @property
    def rank(self) -> int | None:
        return next((n for n, number in enumerate(self.found, 1) if number in self.right), None)

    @property
    def recall(self) -> float:
        return len(self.right & set(self.found[:TOP])) / min(len(self.right), TOP)

    @property
    def reciprocal_rank(self) -> float:
        return 1 / self.rank if self.rank else 0.0


def read_cases(path: Path) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query, answers = line.split("\t")
        cases.append(Case(query.strip(), tuple(answer.strip() for answer in answers.split("|"))))
    return cases


def right_answers(case: Case, names: dict[str, str]) -> frozenset[str]:
    from registry.catalogue.search import casefold

    right = set()
    for answer in case.answers:
        if answer.startswith("~"):
            words = casefold(answer[1:])
            right |= {number for number, name in names.items() if words in name}
        elif answer in names:
            right.add(answer)
    return frozenset(right)


def run(cases: list[Case]) -> tuple[list[Outcome], list[Case]]:
    from registry.catalogue.filters import ServiceFilter
    from registry.models import CatalogueEntry

    names = dict(CatalogueEntry.objects.values_list("registry_number", "name_text"))
    numbers = dict(CatalogueEntry.objects.values_list("edition_id", "registry_number"))
    outcomes, skipped = [], []
    for case in cases:
        right = right_answers(case, names)
        if not right:
            skipped.append(case)
            continue
        edition_ids, _count = ServiceFilter({"q": case.query}).page_editions()
        outcomes.append(Outcome(case, right, tuple(numbers[pk] for pk in edition_ids)))
    return outcomes, skipped


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--queries", type=Path, default=QUERIES_FILE)
    parser.add_argument(
        "--show-misses", action="store_true", help="list queries whose first result is not a right answer"
    )
    args = parser.parse_args(argv)

    from django.db import connection
    from django.test.utils import setup_test_environment

    from registry.demo import load_demo

    cases = read_cases(args.queries)
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        load_demo()
        outcomes, skipped = run(cases)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    run_count = len(outcomes)
    recall = sum(outcome.recall for outcome in outcomes) / run_count
    mrr = sum(outcome.reciprocal_rank for outcome in outcomes) / run_count
    if args.show_misses:
        for outcome in outcomes:
            if outcome.recall < 1 or outcome.rank != 1:
                print(
                    f"miss: {outcome.case.query!r}: right {sorted(outcome.right)}, "
                    f"rank {outcome.rank}, top {list(outcome.found[:TOP])}"
                )
    for case in skipped:
        print(f"skipped (no right answer in the registry): {case.query!r}")
    print(f"database: {connection.vendor}")
    print(f"queries: {len(cases)}, run: {run_count}, skipped: {len(skipped)}")
    print(f"recall@{TOP}: {recall:.3f}")
    print(f"MRR: {mrr:.3f}")


if __name__ == "__main__":
    main()
