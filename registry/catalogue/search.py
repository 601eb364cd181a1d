"""Full-text search of the public catalogue in citizens' words, over its search table
(``CatalogueEntry``).

A query matches a service in the catalogue when its words are found in the current edition's
full or short name, in the name of one of its results, in its provider's name, or in a category
or life situation of its service. All of that is kept, case-folded, in one row per service
(``registry.models.search``), refreshed by ``catalogue_entries_refresh`` in the transaction of
each publication, withdrawal and restoration (and by signals when a provider, a category or a
service's categories change), so a search reads one narrow table and its indexes. The words of
those texts make the catalogue's vocabulary (``SearchWord``), added to as services are listed.

Citizens type questions, colloquial words, abbreviations, compounds and typos. A query is cut
into its significant words (stop words dropped); each becomes a group of alternatives: the word
itself; what the synonym dictionary (``SearchSynonym``, edited in the admin, loaded from
``fixtures/reference/search_synonyms.json``) says it means — «загранпаспорт» → «заграничный
паспорт», «ИП» → «индивидуальный предприниматель», an entry may span words («пособие на
ребёнка»); and, for a word no service holds, the vocabulary's words closest to it («пасспорт» →
«паспорт»). A service matches when it matches any group, and ranks by the groups it matches — in
its name (1) above elsewhere (0.35) — plus a bonus when the query's words stand together in its
name, so «регистрация юридического лица» puts the registration before a licence whose category
says «регистрация юридических лиц».

PostgreSQL: full-text search with the ``russian`` configuration (named in every call, never the
server's default) against a stored ``tsvector`` weighted A (names) and B (the rest), GIN index;
a group matched in the name is a ``tsquery`` restricted to weight A. Before the search, one query
reads the dictionary entries of the query's words (by their stem key) and which words no
service's document holds (by the GIN index); only for such words a second query reads their
closest words from the vocabulary's trigram GiST index (nearest neighbours by ``<->``). A query
that finds nothing therefore costs two or three indexed queries and no scan of the catalogue.

SQLite (development, small registries): SQLite's own ``lower()`` and ``LIKE`` fold ASCII only,
so the stored texts are case-folded in Python («ё» read as «е»), and each word, cut to a crude
Russian stem, is matched at the start of a word with SQLite's REGEXP (Django provides it). The
dictionary and the vocabulary are read whole, once per catalogue version, and typos are matched
with ``difflib`` over the vocabulary in Python. It is a fallback, not a morphological analyser.
"""

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.db import connections, transaction
from django.db.models import (
    Case,
    CharField,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from registry.models import (
    WITHDRAWAL_FIELDS,
    CatalogueChoiceCount,
    CatalogueEntry,
    Category,
    ChoiceKind,
    DeadlineUnit,
    Edition,
    EditionStatus,
    ProviderBody,
    Result,
    SearchSynonym,
    SearchWord,
    Service,
)

SEARCH_CONFIG = "russian"
MIN_WORD_LENGTH = 2

# Endings cut from a query word on SQLite, longest first; a stem keeps at least 3 letters.
RUSSIAN_ENDINGS = sorted(
    [
        "иями",
        "ями",
        "ами",
        "ого",
        "его",
        "ому",
        "ему",
        "ыми",
        "ими",
        "ей",
        "ой",
        "ый",
        "ий",
        "ая",
        "яя",
        "ое",
        "ее",
        "ые",
        "ие",
        "ую",
        "юю",
        "ов",
        "ев",
        "ам",
        "ям",
        "ах",
        "ях",
        "ом",
        "ем",
        "ию",
        "ия",
        "ии",
        "ье",
        "ья",
        "ью",
        "а",
        "я",
        "о",
        "е",
        "ы",
        "и",
        "у",
        "ю",
        "ь",
        "й",
    ],  # fmt: skip
    key=len,
    reverse=True,
)
MIN_STEM_LENGTH = 3


def casefold(value: str) -> str:
    return value.casefold().replace("ё", "е") if value else ""


def query_words(text: str) -> list[str]:
    return [word for word in re.findall(r"\w+", casefold(text)) if len(word) >= MIN_WORD_LENGTH]


def russian_stem(word: str) -> str:
    for ending in RUSSIAN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM_LENGTH:
            return word[: -len(ending)]
    return word


def body_text(full_name: str, short_name: str) -> str:
    """What the «орган» filter matches a body's name against."""
    return casefold(f"{full_name} {short_name}")


def bodies_named(text: str, bodies: Iterable[tuple[int, str]]) -> list[int] | None:
    """The ids of the bodies whose ``body_text`` holds every word of ``text``, each cut to its
    stem («Ульяновска» finds «Ульяновск»); ``None`` when ``text`` has no word."""
    stems = [russian_stem(word) for word in query_words(text)]
    if not stems:
        return None
    return [pk for pk, name in bodies if all(stem in name for stem in stems)]


@dataclass(frozen=True)
class TextSearch:
    """The entries matching a query, and the relevance expression to rank any of them by."""

    entries: QuerySet[CatalogueEntry]
    relevance: Expression
    # The condition of matching every group of the query (``None`` for one group): the list,
    # which ranks only its first ``RESULT_LIMIT`` matches, reads those first, so that in a large
    # registry the services matching all the words are among those ranked.
    strict: Q | None = None


# How a query is read. Citizens type questions («как поменять паспорт в 45 лет»), colloquial
# words and abbreviations («права», «ИП»), compounds («загранпаспорт») and typos. The query is
# cut into significant words; each becomes a *group* of alternatives — the word itself, what
# the synonym dictionary (``SearchSynonym``) says it means, and, for a word no service holds,
# the catalogue's words closest to it. A service matches when it matches any group; it ranks
# by the groups it matches, a match in its own name counting more than one in its results,
# provider or categories, and by the query's words standing together in its name.

# Words that carry no meaning for a search of the catalogue (the question around it).
STOP_WORDS = frozenset(
    """
    а без более бы был была были было в во вот все всё где да для до его ее её если есть еще ещё
    же за и из или им их к как какая какие какой когда кого кто куда ли либо мне можно мой мы на
    над надо не нет ни но нужен нужна нужно нужны о об обо он она они оно от по под при про с со
    так также то того только у уже хочу чем что чтобы чтоб это эта этот я ребята помогите подскажите
    пожалуйста сколько какую каких свой свою мой моя моего моей себе мной нам вам тебе ему ей
    """.split()
)
# A word no service holds is matched to at most this many of the catalogue's words, each at
# least this similar (pg_trgm ``similarity``; ``difflib`` ratio on SQLite).
TYPO_CANDIDATES = 3
TYPO_MIN_SIMILARITY = 0.4
TYPO_MIN_RATIO = 0.8
TYPO_MIN_LENGTH = 4
# At most this many words of a query are searched (a pasted paragraph stays cheap).
MAX_QUERY_WORDS = 12
# A synonym entry may span this many words of the query («пособие на ребёнка»).
MAX_TERM_WORDS = 3
# Relevance: a group matched in the service's name, elsewhere, and the query's words together
# in the name.
NAME_WEIGHT = 1.0
TEXT_WEIGHT = 0.35
PHRASE_WEIGHT = 1.0
VOCABULARY_WORD_LENGTH = 3
SEARCH_WORD_MAX_LENGTH = 100


def significant_words(text: str) -> list[str]:
    """The words of ``text`` that a search looks for: letters and digits, not a stop word."""
    words = [word for word in re.findall(r"[^\W_]+", casefold(text)) if len(word) >= MIN_WORD_LENGTH]
    return [word for word in words if word not in STOP_WORDS][:MAX_QUERY_WORDS]


def phrase_words(text: str) -> list[str]:
    """The words of ``text`` from its first significant word to its last, stop words included:
    a phrase keeps the places of the words between."""
    words = re.findall(r"[^\W_]+", casefold(text))
    significant = set(significant_words(text))
    places = [n for n, word in enumerate(words) if word in significant]
    return words[places[0] : places[-1] + 1][: MAX_QUERY_WORDS * 2] if places else []


def phrase_key(text: str) -> str:
    """A phrase's significant words cut to their stems: how a synonym entry is looked up, so that
    «прописку» finds the entry «прописка»."""
    return " ".join(russian_stem(word) for word in significant_words(text))


# An alternative is a set of words that must all match; a group is a list of alternatives.
Alternative = tuple[str, ...]
Group = list[Alternative]


def _span_keys(words: list[str]) -> list[str]:
    """The keys of every run of up to ``MAX_TERM_WORDS`` query words: what a dictionary entry
    may be found under."""
    stems = [russian_stem(word) for word in words]
    return list(
        dict.fromkeys(
            " ".join(stems[start : start + size])
            for size in range(MAX_TERM_WORDS, 0, -1)
            for start in range(len(words) - size + 1)
        )
    )


def _synonym_groups(words: list[str], meanings: dict[str, list[str]]) -> tuple[list[Group], list[bool]]:
    """The query's groups with the dictionary's ``meanings`` applied (longest entry first, each
    query word in one entry at most), and for each group whether a dictionary entry covers it."""
    stems = [russian_stem(word) for word in words]
    groups: list[Group] = []
    covered: list[bool] = []
    start = 0
    while start < len(words):
        for size in range(min(MAX_TERM_WORDS, len(words) - start), 0, -1):
            key = " ".join(stems[start : start + size])
            if meanings.get(key):
                group: Group = [tuple(words[start : start + size])]
                for meaning in meanings[key]:
                    for variant in meaning.split(";"):
                        alternative = tuple(significant_words(variant))
                        if alternative and alternative not in group:
                            group.append(alternative)
                groups.append(group)
                covered.append(True)
                start += size
                break
        else:
            groups.append([(words[start],)])
            covered.append(False)
            start += 1
    return groups, covered


# SQLite reads the synonym dictionary and the vocabulary whole, and keeps them in the process for
# one version of the catalogue (``caching.catalogue_version``: the change sequence, the newest
# search row and the reference data revision, which a change to the dictionary bumps). A list
# page has read that version already, so they cost no query there, and an edit in the admin
# applies to the next search in every process.
_version_cache: dict[tuple[str, str], tuple[str, Any]] = {}


def _per_version(name: str, using: str, load: Callable[[str], Any]) -> Any:
    from registry.catalogue.caching import catalogue_version

    version = catalogue_version(using=using).key
    cached = _version_cache.get((name, using))
    if cached is not None and cached[0] == version:
        return cached[1]
    value = load(using)
    _version_cache[(name, using)] = (version, value)
    return value


@dataclass(frozen=True)
class Lexicon:
    """The synonym dictionary (stem key → meanings) and the vocabulary, for SQLite."""

    dictionary: dict[str, list[str]]
    vocabulary: list[str]


def _read_lexicon(using: str) -> Lexicon:
    """One query: the dictionary, and the vocabulary after it (marked by a NULL key)."""
    words = SearchWord.objects.using(using).annotate(none=Value(None, output_field=CharField()))
    rows = (
        SearchSynonym.objects.using(using)
        .order_by()
        .values_list("key", "meaning")
        .union(words.values_list("none", "word"), all=True)
    )
    dictionary: dict[str, list[str]] = defaultdict(list)
    vocabulary = []
    for key, text in rows:
        if key is None:
            vocabulary.append(text)
        else:
            dictionary[key].append(text)
    return Lexicon(dict(dictionary), sorted(vocabulary))


def _lexicon(using: str) -> Lexicon:
    return _per_version("lexicon", using, _read_lexicon)


def _with_typos(groups: list[Group], covered: list[bool], unknown: dict[str, list[str]]) -> list[Group]:
    """Each single-word group whose word no service holds gets the catalogue's closest words as
    alternatives; a group left with nothing to find is dropped."""
    result = []
    for group, by_dictionary in zip(groups, covered, strict=True):
        word = group[0][0]
        if not by_dictionary and len(group[0]) == 1 and word in unknown:
            corrections = [(candidate,) for candidate in unknown[word]]
            if not corrections:
                continue  # «45», «поменять»: nothing in the catalogue; the other words decide
            group = [*group, *corrections]
        result.append(group)
    return result


def search_entries(entries: QuerySet[CatalogueEntry], text: str) -> TextSearch | None:
    """Narrow catalogue entries to those matching ``text``; ``None`` when the text has no words.

    A query of stop words only, or of words found nowhere, matches nothing. Before the search
    itself, PostgreSQL asks one query (the dictionary entries of the query's words, and which of
    its words no service holds) and a second only for such words (their closest words in the
    vocabulary), each answered from an index; SQLite reads the dictionary and the vocabulary
    once per catalogue version."""
    if not query_words(text):
        return None
    words = significant_words(text)
    using = entries.db
    if not words:
        return TextSearch(entries.none(), Value(0.0, output_field=FloatField()))
    keys = _span_keys(words)
    postgresql = connections[using].vendor == "postgresql"
    if postgresql:
        meanings, missing = _lookup_postgresql(keys, words, using)
    else:
        dictionary = _lexicon(using).dictionary
        meanings = {key: dictionary[key] for key in keys if key in dictionary}
    groups, covered = _synonym_groups(words, meanings)
    plain = [group[0][0] for group, by_dictionary in zip(groups, covered, strict=True) if not by_dictionary]
    if postgresql:
        unknown = _typos_postgresql([word for word in plain if word in missing], using)
    else:
        unknown = _unknown_words_fallback(plain, using)
    groups = _with_typos(groups, covered, unknown)
    if not groups:
        return TextSearch(entries.none(), Value(0.0, output_field=FloatField()))
    if postgresql:
        return _search_postgresql(entries, groups, words, text)
    return _search_fallback(entries, groups, words)


# PostgreSQL: the groups become ``tsquery`` text. Words are letters and digits only
# (``significant_words``), so quoting each one is enough to keep the text well formed.


def _ts_word(word: str, weight: str = "") -> str:
    return f"'{word}'{':' + weight if weight else ''}"


def _ts_group(group: Group, weight: str = "") -> str:
    alternatives = [" & ".join(_ts_word(word, weight) for word in alternative) for alternative in group]
    return " | ".join(f"({alternative})" for alternative in alternatives)


def _lookup_postgresql(
    keys: list[str], words: list[str], using: str
) -> tuple[dict[str, list[str]], set[str]]:
    """One query: the dictionary's meanings under ``keys``, and the ``words`` no service's
    document holds (PostgreSQL's own ``russian`` stop words aside). The dictionary by its key
    index, each word by the document's GIN index: no scan of the catalogue, however many words."""
    synonyms, entries = SearchSynonym._meta.db_table, CatalogueEntry._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(
            f'SELECT "key", "meaning" FROM "{synonyms}" WHERE "key" = ANY(%s::text[]) '
            "UNION ALL SELECT NULL, w FROM unnest(%s::text[]) AS w "
            "WHERE numnode(plainto_tsquery(%s::regconfig, w)) > 0 "
            f'AND NOT EXISTS (SELECT 1 FROM "{entries}" '
            'WHERE "document" @@ plainto_tsquery(%s::regconfig, w))',
            [keys, list(dict.fromkeys(words)), SEARCH_CONFIG, SEARCH_CONFIG],
        )
        rows = cursor.fetchall()
    meanings: dict[str, list[str]] = defaultdict(list)
    missing = set()
    for key, text in rows:
        if key is None:
            missing.add(text)
        else:
            meanings[key].append(text)
    return dict(meanings), missing


def _typos_postgresql(words: list[str], using: str) -> dict[str, list[str]]:
    """Each of ``words`` (which no service holds) with the vocabulary's closest words by trigram
    similarity, closest first; one query, by the vocabulary's trigram index, and none without
    such words."""
    unknown: dict[str, list[str]] = {word: [] for word in words}
    typed = [word for word in unknown if word.isalpha() and len(word) >= TYPO_MIN_LENGTH]
    if not typed:
        return unknown
    # One subquery per word, each a nearest-neighbour scan of the vocabulary's trigram GiST
    # index (``<->`` in distance order, stopped after a few words). With the word as a constant
    # the planner takes the index; a ``%`` filter it priced as a scan, hundreds of ms at 30 000
    # words.
    vocabulary = SearchWord._meta.db_table
    subquery = (
        f'(SELECT %s, "word" FROM (SELECT "word" FROM "{vocabulary}" ORDER BY "word" <-> %s LIMIT %s) AS v '
        'WHERE similarity("word", %s) >= %s)'
    )
    params = []
    for word in typed:
        params += [word, word, TYPO_CANDIDATES, word, TYPO_MIN_SIMILARITY]
    with connections[using].cursor() as cursor:
        cursor.execute(" UNION ALL ".join([subquery] * len(typed)), params)
        for word, candidate in cursor.fetchall():
            unknown[word].append(candidate)
    return unknown


def _search_postgresql(
    entries: QuerySet[CatalogueEntry], groups: list[Group], words: list[str], text: str
) -> TextSearch:
    any_group = " | ".join(f"({_ts_group(group)})" for group in groups)
    matching = entries.filter(document=SearchQuery(any_group, config=SEARCH_CONFIG, search_type="raw"))
    # Per group: matched in the name (weight A of the stored document) or elsewhere.
    parts, params = [], []
    for group in groups:
        parts.append(
            "(CASE WHEN document @@ to_tsquery(%s::regconfig, %s) THEN %s "
            "WHEN document @@ to_tsquery(%s::regconfig, %s) THEN %s ELSE 0 END)"
        )
        params += [SEARCH_CONFIG, _ts_group(group, "A"), NAME_WEIGHT]
        params += [SEARCH_CONFIG, _ts_group(group), TEXT_WEIGHT]
    if len(words) > 1:
        # The words typed, together and in order, in the service's name (weight A of the stored
        # document; the stop words typed between them keep their places): an exact phrase ranks
        # above the same words scattered.
        parts.append("(CASE WHEN document @@ to_tsquery(%s::regconfig, %s) THEN %s ELSE 0 END)")
        params += [
            SEARCH_CONFIG,
            " <-> ".join(_ts_word(word, "A") for word in phrase_words(text)),
            PHRASE_WEIGHT,
        ]
    # ts_rank orders services equal on the above (more occurrences, shorter texts first).
    parts.append("0.01 * ts_rank(document, to_tsquery(%s::regconfig, %s))")
    params += [SEARCH_CONFIG, any_group]
    relevance = RawSQL(" + ".join(parts), params, output_field=FloatField())
    every_group = " & ".join(f"({_ts_group(group)})" for group in groups)
    strict = (
        Q(document=SearchQuery(every_group, config=SEARCH_CONFIG, search_type="raw"))
        if len(groups) > 1
        else None
    )
    return TextSearch(matching, relevance, strict)


# SQLite: SQLite's own ``lower()`` and ``LIKE`` fold ASCII only; the stored texts are folded in
# Python, and each word, cut to its stem, is matched at the start of a word of the text (a word
# of one or two letters, «ИП», as a whole word) with SQLite's REGEXP, which Django provides.


def _word_pattern(word: str) -> str:
    stem = russian_stem(word)
    return rf"\b{re.escape(stem)}" + (r"\b" if len(stem) <= MIN_WORD_LENGTH else "")


def _group_q(group: Group, field: str) -> Q:
    found = Q(pk__in=[])
    for alternative in group:
        every = Q()
        for word in alternative:
            every &= Q(**{f"{field}__regex": _word_pattern(word)})
        found |= every
    return found


def _unknown_words_fallback(words: list[str], using: str) -> dict[str, list[str]]:
    """The words whose stem starts no word of the vocabulary, each with the vocabulary's closest
    words by ``difflib`` ratio. One query: the vocabulary of a registry small enough for SQLite
    (thousands of words) is read whole and compared in Python."""
    if not words:
        return {}
    vocabulary = _lexicon(using).vocabulary
    known_text = " " + " ".join(vocabulary)
    unknown = {}
    for word in words:
        if f" {russian_stem(word)}" in known_text:
            continue
        if not word.isalpha() or len(word) < TYPO_MIN_LENGTH:
            unknown[word] = []
            continue
        unknown[word] = difflib.get_close_matches(word, vocabulary, n=TYPO_CANDIDATES, cutoff=TYPO_MIN_RATIO)
    return unknown


def _search_fallback(entries: QuerySet[CatalogueEntry], groups: list[Group], words: list[str]) -> TextSearch:
    anywhere = Q(pk__in=[])
    whens = []
    for group in groups:
        in_name, in_text = _group_q(group, "name_text"), _group_q(group, "search_text")
        anywhere |= in_name | in_text
        whens.append(
            Case(
                When(in_name, then=Value(NAME_WEIGHT)),
                When(in_text, then=Value(TEXT_WEIGHT)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
    if len(words) > 1:
        # The words in order in the name, side by side or with one short word between («пособие
        # на ребёнка»): the stop words a query drops.
        together = r"\W+(?:\w{1,3}\W+)?".join(_word_pattern(word) + r"\w*" for word in words)
        whens.append(
            Case(
                When(name_text__regex=together, then=Value(PHRASE_WEIGHT)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
    relevance = whens[0]
    for when in whens[1:]:
        relevance = relevance + when
    strict = None
    if len(groups) > 1:
        strict = Q()
        for group in groups:
            strict &= _group_q(group, "name_text") | _group_q(group, "search_text")
    return TextSearch(
        entries.filter(anywhere), ExpressionWrapper(relevance, output_field=FloatField()), strict
    )


# Maintaining the search table.

REFRESH_BATCH = 2000
DAYS_PER_MONTH = 31
EDITION_FIELDS = (
    "pk",
    "service_id",
    "service__registry_number",
    "service__level",
    "service__is_withdrawn",
    "service__withdrawn_on",
    "service__provider_id",
    "service__provider__region_id",
    "service__provider__full_name",
    "service__provider__short_name",
    "full_name",
    "short_name",
    "deadline_unit",
    "deadline_value",
    "is_free",
    "available_in_mfc",
    "available_electronically",
)


def deadline_days(unit: str, value: int | None) -> int | None:
    """The deadline in days for «не более N дней»: minutes and hours count as 0, a month as 31."""
    if unit in (DeadlineUnit.MINUTES, DeadlineUnit.HOURS):
        return 0
    if value is None:
        return None
    if unit == DeadlineUnit.DAYS:
        return value
    if unit == DeadlineUnit.MONTHS:
        return value * DAYS_PER_MONTH
    return None


def _joined(*parts: str) -> str:
    return casefold(" ".join(part for part in parts if part))


def _entries(chunk: list[dict], using: str, entry_model: type) -> list:
    edition_ids = [row["pk"] for row in chunk]
    service_ids = [row["service_id"] for row in chunk]
    results: dict[int, list[str]] = defaultdict(list)
    for edition_id, name in (
        Result.objects.using(using).filter(edition_id__in=edition_ids).values_list("edition_id", "name")
    ):
        results[edition_id].append(name)
    categories: dict[int, list[str]] = defaultdict(list)
    category_ids: dict[int, list[int]] = defaultdict(list)
    links = Service.categories.through.objects.using(using).filter(service_id__in=service_ids)
    for service_id, category_id, name, description in links.values_list(
        "service_id", "category_id", "category__name", "category__description"
    ):
        categories[service_id] += [name, description]
        category_ids[service_id].append(category_id)
    # A migration's historical model may predate the column (and the counts it serves).
    counted = {"category_ids"} & {field.name for field in entry_model._meta.get_fields()}
    return [
        entry_model(
            service_id=row["service_id"],
            edition_id=row["pk"],
            registry_number=row["service__registry_number"],
            provider_id=row["service__provider_id"],
            region_id=row["service__provider__region_id"],
            level=row["service__level"],
            sort_name=(row["short_name"] or row["full_name"]).lower(),
            name_text=_joined(row["full_name"], row["short_name"]),
            search_text=_joined(
                *results[row["pk"]],
                row["service__provider__full_name"],
                row["service__provider__short_name"],
                *categories[row["service_id"]],
            ),
            deadline_days=deadline_days(row["deadline_unit"], row["deadline_value"]),
            is_free=row["is_free"],
            available_in_mfc=row["available_in_mfc"],
            available_electronically=row["available_electronically"],
            is_withdrawn=row["service__is_withdrawn"],
            withdrawn_on=row["service__withdrawn_on"],
            **({"category_ids": category_ids[row["service_id"]]} if counted else {}),
        )
        for row in chunk
    ]


# The filter choices' counts (``CatalogueChoiceCount``): what each row of the search table counts
# towards while its service is not withdrawn — its body, its region, its service's categories and
# its edition's applicant categories (a published edition's never change).

ChoiceCounts = Counter  # (ChoiceKind, object id) → services


def choice_contributions(
    rows: Iterable[tuple[int, int | None, list[int], int]], *, using: str = "default"
) -> ChoiceCounts:
    """What rows of the search table, given as (provider, region, category ids, edition), count
    towards; the applicant categories of their editions in one query per 2 000 rows."""
    counts: ChoiceCounts = Counter()
    edition_ids = []
    for provider_id, region_id, category_ids, edition_id in rows:
        counts[(ChoiceKind.PROVIDER, provider_id)] += 1
        if region_id is not None:
            counts[(ChoiceKind.REGION, region_id)] += 1
        for category_id in category_ids:
            counts[(ChoiceKind.CATEGORY, category_id)] += 1
        edition_ids.append(edition_id)
    links = Edition.applicant_categories.through.objects.using(using)
    for start in range(0, len(edition_ids), REFRESH_BATCH):
        chunk = edition_ids[start : start + REFRESH_BATCH]
        for applicant_id in links.filter(edition_id__in=chunk).values_list("applicantcategory_id", flat=True):
            counts[(ChoiceKind.APPLICANT, applicant_id)] += 1
    return counts


COUNTED_COLUMNS = ("provider_id", "region_id", "category_ids", "edition_id")


def _counted_rows(entries: QuerySet[CatalogueEntry]) -> ChoiceCounts:
    return choice_contributions(
        entries.filter(is_withdrawn=False).values_list(*COUNTED_COLUMNS), using=entries.db
    )


def _choice_counts_add(delta: ChoiceCounts, using: str) -> None:
    """Add ``delta`` to the counts: the missing rows first, then one ``UPDATE … + n`` per kind and
    amount."""
    delta = Counter({key: amount for key, amount in delta.items() if amount})
    if not delta:
        return
    counts = CatalogueChoiceCount.objects.using(using)
    counts.bulk_create(
        [CatalogueChoiceCount(kind=kind, object_id=object_id) for kind, object_id in sorted(delta)],
        ignore_conflicts=True,
        batch_size=REFRESH_BATCH,
    )
    by_amount: dict[tuple[str, int], list[int]] = defaultdict(list)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for (kind, object_id), amount in sorted(delta.items()):
        by_amount[(kind, amount)].append(object_id)
        by_kind[kind].append(object_id)
    # Locked in one order first: the updates below go by amount, and two transactions changing
    # the same rows by different amounts would otherwise lock them in different orders.
    rows = Q(pk__in=[])
    for kind, object_ids in by_kind.items():
        rows |= Q(kind=kind, object_id__in=object_ids)
    with transaction.atomic(using=using):
        locked = counts.filter(rows).order_by("kind", "object_id").select_for_update()
        list(locked.values_list("pk", flat=True))
        for (kind, amount), object_ids in sorted(by_amount.items()):
            counts.filter(kind=kind, object_id__in=object_ids).update(services=F("services") + amount)


def _choice_counts_replace(counted: ChoiceCounts, using: str) -> None:
    counts = CatalogueChoiceCount.objects.using(using)
    counts.all().delete()
    counts.bulk_create(
        [
            CatalogueChoiceCount(kind=kind, object_id=object_id, services=services)
            for (kind, object_id), services in sorted(counted.items())
            if services
        ],
        batch_size=REFRESH_BATCH,
    )


def catalogue_entries_refresh(
    *, service_ids: Iterable[int] | None = None, using: str = "default", entry_model: type | None = None
) -> int:
    """Rewrite the search rows of the given services (of every service when ``None``) from their
    published editions; a service without one loses its row. Returns the number of rows written.

    Called inside the transaction of each change that alters the catalogue. ``entry_model`` lets
    a migration pass its historical model."""
    from django.contrib.postgres.search import SearchVector

    entry_model = entry_model or CatalogueEntry
    editions = Edition.objects.using(using).filter(status=EditionStatus.PUBLISHED).order_by("pk")
    entries = entry_model.objects.using(using)
    if service_ids is not None:
        service_ids = list(service_ids)
        editions = editions.filter(service_id__in=service_ids)
        entries = entries.filter(service_id__in=service_ids)
    # The vocabulary and the filter choices' counts follow the current model only: a migration's
    # historical model predates them (migrations 0013 and 0021 fill them). A full rebuild starts
    # them afresh; a refresh of some services takes back what their old rows counted towards.
    current_model = entry_model is CatalogueEntry
    counted: ChoiceCounts = Counter()
    if current_model and service_ids is not None:
        counted.subtract(_counted_rows(entries))
    entries.delete()
    if current_model and service_ids is None:
        SearchWord.objects.using(using).all().delete()
    written, last = 0, 0
    while chunk := list(editions.filter(pk__gt=last).values(*EDITION_FIELDS)[:REFRESH_BATCH]):
        last = chunk[-1]["pk"]
        rows = entry_model.objects.using(using).bulk_create(_entries(chunk, using, entry_model))
        if current_model:
            vocabulary_add(((row.name_text, row.search_text) for row in rows), using=using)
            counted.update(
                choice_contributions(
                    (
                        (row.provider_id, row.region_id, row.category_ids, row.edition_id)
                        for row in rows
                        if not row.is_withdrawn
                    ),
                    using=using,
                )
            )
        written += len(chunk)
    if current_model:
        if service_ids is None:
            _choice_counts_replace(counted, using)
        else:
            _choice_counts_add(counted, using)
    if written and connections[using].vendor == "postgresql":
        entries.update(
            document=SearchVector("name_text", config=SEARCH_CONFIG, weight="A")
            + SearchVector("search_text", config=SEARCH_CONFIG, weight="B")
        )
    return written


def vocabulary_words(texts: Iterable[str]) -> set[str]:
    """The words of case-folded texts worth matching a typo against: letters only, 3 or more."""
    return {
        word
        for text in texts
        for word in re.findall(r"[^\W\d_]+", text)
        if VOCABULARY_WORD_LENGTH <= len(word) <= SEARCH_WORD_MAX_LENGTH
    }


def vocabulary_add(
    texts: Iterable[tuple[str, ...]], *, using: str = "default", model: type | None = None
) -> None:
    """Add the words of search texts to the vocabulary (``SearchWord``); words already there stay."""
    model = model or SearchWord
    words = vocabulary_words(text for row in texts for text in row)
    model.objects.using(using).bulk_create(
        [model(word=word) for word in sorted(words)], ignore_conflicts=True, batch_size=REFRESH_BATCH
    )


def _refresh_listed(service_ids: Iterable[int], using: str) -> None:
    service_ids = list(service_ids)
    if service_ids:
        catalogue_entries_refresh(service_ids=service_ids, using=using)


# The search text holds the names of providers and categories and the categories of a service:
# keep it right when they change outside the workflow (the admin, reference data loads).


@receiver(m2m_changed, sender=Service.categories.through, dispatch_uid="catalogue_entry_categories")
def _service_categories_changed(sender, instance, action, reverse, pk_set, using, **kwargs) -> None:
    if action == "pre_clear" and reverse:
        instance._catalogue_cleared = list(instance.services.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        service_ids = [instance.pk]
    elif action == "post_clear":
        service_ids = getattr(instance, "_catalogue_cleared", [])
    else:
        service_ids = pk_set or []
    listed = CatalogueEntry.objects.using(using).filter(service_id__in=list(service_ids))
    _refresh_listed(listed.values_list("service_id", flat=True), using)


@receiver(post_save, sender=Service, dispatch_uid="catalogue_entry_service")
def _service_saved(sender, instance, created, using, update_fields=None, **kwargs) -> None:
    # A listed service moved to another body or level (the admin): its row holds both. The
    # workflow's own writes (withdrawal, restoration) refresh the row themselves.
    if created or (update_fields and set(update_fields) <= set(WITHDRAWAL_FIELDS)):
        return
    listed = CatalogueEntry.objects.using(using).filter(service_id=instance.pk)
    _refresh_listed(listed.values_list("service_id", flat=True), using)


@receiver(post_save, sender=ProviderBody, dispatch_uid="catalogue_entry_provider")
def _provider_saved(sender, instance, created, using, **kwargs) -> None:
    if not created:
        listed = CatalogueEntry.objects.using(using).filter(provider_id=instance.pk)
        _refresh_listed(listed.values_list("service_id", flat=True), using)


@receiver(post_save, sender=Category, dispatch_uid="catalogue_entry_category")
def _category_saved(sender, instance, created, using, **kwargs) -> None:
    if not created:
        listed = CatalogueEntry.objects.using(using).filter(service__categories=instance)
        _refresh_listed(listed.values_list("service_id", flat=True), using)
