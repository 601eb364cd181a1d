"""The catalogue's search and filters, as one FilterSet over the catalogue's search table.

``ServiceFilter`` filters ``selectors.catalogue_entries()`` (one row per service in the
catalogue, ``registry.models.search``); given current editions instead (the exchange export
passes ``selectors.catalogue_editions()``), it filters the entries of those editions. The
exchange turns the result into services with ``selectors.services_matching``. Every filter
lives in the URL, so a search can be shared and bookmarked. The choices of the classifier
filters come from ``selectors.filter_choices()`` (cached), so building the form costs no query.

``qs`` is every match in order (for exports); the list page reads ``page_editions()``, which
ranks by relevance only the first ``RESULT_LIMIT`` matches, so a common word costs the same in a
registry of 10 000 services as in one of 100 000."""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from registry.catalogue import selectors
from registry.catalogue.search import TextSearch, bodies_named, search_entries
from registry.models import CatalogueEntry, Edition, Level, Service

SORT_RELEVANCE = "relevance"
SORT_NAME = "name"
# The list shows at most this many results; more matches are counted as «более 1000».
RESULT_LIMIT = 1000
NAME_ORDER = ("sort_name", "registry_number")


class FastSelect(forms.Select):
    """``<select>`` rendered by string joining, not one template per option: Django renders each
    option through a template, which made the lists (89 regions, the categories, …) a large part
    of the search page's time. Same markup."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(choice)}"{" selected" if str(choice) in selected else ""}>'
            f"{escape(label)}</option>"
            for choice, label in self.choices
        )
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")


class ServiceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="document",
        lookup_expr="search",
        method="filter_text",
        label=_("Что вы ищете"),
        help_text=_("Например: «паспорт», «разрешение на строительство», «пособие на ребёнка»."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    category = django_filters.ChoiceFilter(
        widget=FastSelect,
        field_name="service__categories",
        lookup_expr="exact",
        method="filter_category",
        label=_("Категория или жизненная ситуация"),
        empty_label=_("Все"),
    )
    # One body, by its id: the links of the home page and of a service page («все услуги
    # органа»). Carried as a hidden field and shown as a removable choice: a drop-down of every
    # body (2 500 in a registry of 100 000 services) is unusable and grows the page with the
    # registry. The form offers ``body`` instead: part of a body's name.
    provider = django_filters.NumberFilter(
        widget=forms.HiddenInput,
        field_name="provider",
        lookup_expr="exact",
        method="filter_provider",
        label=_("Орган, предоставляющий услугу"),
        min_value=1,
        max_value=2**63 - 1,
    )
    body = django_filters.CharFilter(
        field_name="provider",
        lookup_expr="in",
        method="filter_body",
        label=_("Орган, предоставляющий услугу"),
        help_text=_("Часть названия органа: «МВД», «администрация Ульяновска»."),
        max_length=200,
    )
    level = django_filters.ChoiceFilter(
        widget=FastSelect,
        field_name="level",
        lookup_expr="exact",
        choices=Level.choices,
        label=_("Уровень"),
        empty_label=_("Все уровни"),
    )
    region = django_filters.ChoiceFilter(
        widget=FastSelect,
        field_name="region",
        lookup_expr="exact",
        method="filter_region",
        label=_("Субъект Российской Федерации"),
        empty_label=_("Все субъекты"),
    )
    applicant = django_filters.ChoiceFilter(
        widget=FastSelect,
        field_name="edition__applicant_categories",
        lookup_expr="exact",
        method="filter_applicant",
        label=_("Кто обращается"),
        empty_label=_("Все заявители"),
    )
    mfc = django_filters.BooleanFilter(
        field_name="available_in_mfc",
        lookup_expr="exact",
        method="filter_when_checked",
        label=_("Можно подать в МФЦ"),
        widget=forms.CheckboxInput,
    )
    electronic = django_filters.BooleanFilter(
        field_name="available_electronically",
        lookup_expr="exact",
        method="filter_when_checked",
        label=_("Можно получить в электронной форме (ЕПГУ)"),
        widget=forms.CheckboxInput,
    )
    cost = django_filters.ChoiceFilter(
        widget=FastSelect,
        field_name="is_free",
        lookup_expr="exact",
        method="filter_cost",
        choices=[("free", _("Бесплатно")), ("paid", _("Платно"))],
        label=_("Стоимость"),
        empty_label=_("Любая"),
    )
    deadline_max = django_filters.NumberFilter(
        # Minutes and hours are stored as 0 days and a month as 31 (``search.deadline_days``).
        field_name="deadline_days",
        lookup_expr="lte",
        label=_("Срок не более, дней"),
        min_value=1,
        max_value=3650,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    sort = django_filters.ChoiceFilter(
        widget=FastSelect,
        field_name="sort_name",
        lookup_expr="exact",
        method="filter_nothing",
        choices=[(SORT_RELEVANCE, _("по релевантности")), (SORT_NAME, _("по названию"))],
        label=_("Сортировка"),
        empty_label=None,
    )

    class Meta:
        model = CatalogueEntry
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, **kwargs) -> None:
        if queryset is None:
            queryset = selectors.catalogue_entries()
        elif queryset.model is Edition:
            queryset = selectors.catalogue_entries().filter(edition_id__in=queryset.values("pk"))
        super().__init__(data, queryset=queryset, **kwargs)
        # Fresh choices per request (cached per catalogue version): the classifiers with services.
        self.choices = selectors.filter_choices()
        extra_choices = {
            "category": [(c["code"], c["name"]) for c in self.choices.categories],
            "region": self.choices.regions,
            "applicant": self.choices.applicant_categories,
        }
        for name, choices in extra_choices.items():
            self.filters[name].extra["choices"] = choices
        self.text_search: TextSearch | None = None

    @property
    def form(self):
        form = super().form
        form.fields["sort"].required = False
        return form

    def filter_text(self, queryset: QuerySet[CatalogueEntry], name: str, value: str) -> QuerySet:
        self.text_search = search_entries(queryset, value)
        return queryset if self.text_search is None else self.text_search.entries

    def filter_category(self, queryset: QuerySet[CatalogueEntry], name: str, value: str) -> QuerySet:
        links = Service.categories.through.objects.filter(category_id=self.choices.category_ids[value])
        return queryset.filter(service_id__in=links.values("service_id"))

    def filter_body(self, queryset: QuerySet[CatalogueEntry], name: str, value: str) -> QuerySet:
        """Bodies whose full or short name holds every word of ``value`` (case-folded, each word
        cut to its stem, so «Ульяновска» finds «Ульяновск»), read from the cached choices."""
        bodies = bodies_named(value, self.choices.provider_texts)
        return queryset if bodies is None else queryset.filter(provider_id__in=bodies)

    def filter_provider(self, queryset: QuerySet[CatalogueEntry], name: str, value) -> QuerySet:
        # A body with no service in the catalogue, or no such body, lists nothing (a value that
        # is not a whole number is a form error, and the filter is not applied).
        if value != value.to_integral_value():
            return queryset.none()
        return queryset.filter(provider_id=int(value))

    @property
    def chosen_provider(self) -> dict | None:
        """The body chosen by id (a link «все услуги органа»), for the removable choice; the
        choices hold only bodies with services in the catalogue."""
        chosen = self._cleaned().get("provider")
        if chosen is None:
            return None
        return next((p for p in self.choices.providers if p["pk"] == chosen), None)

    def filter_region(self, queryset: QuerySet[CatalogueEntry], name: str, value: str) -> QuerySet:
        return queryset.filter(region_id=self.choices.region_ids[value])

    def filter_applicant(self, queryset: QuerySet[CatalogueEntry], name: str, value: str) -> QuerySet:
        links = Edition.applicant_categories.through.objects.filter(
            applicantcategory_id=self.choices.applicant_category_ids[value]
        )
        return queryset.filter(edition_id__in=links.values("edition_id"))

    def filter_when_checked(self, queryset: QuerySet[CatalogueEntry], name: str, value: bool) -> QuerySet:
        return queryset.filter(**{name: True}) if value else queryset

    def filter_cost(self, queryset: QuerySet[CatalogueEntry], name: str, value: str) -> QuerySet:
        if value == "free":
            return queryset.filter(**{name: True})
        if value == "paid":
            return queryset.filter(**{name: False})
        return queryset

    def filter_nothing(self, queryset: QuerySet[CatalogueEntry], name: str, value: str) -> QuerySet:
        return queryset

    def _cleaned(self) -> dict:
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return self.form.cleaned_data

    @property
    def matches(self) -> QuerySet[CatalogueEntry]:
        """Every match, unordered."""
        if not hasattr(self, "_matches"):
            self._matches = super().qs.order_by()
        return self._matches

    @property
    def searching(self) -> bool:
        """A text search is applied (and results can be ranked by relevance)."""
        self.matches  # noqa: B018 - filtering decides whether the text has words
        return self.text_search is not None

    @property
    def sort_order(self) -> str:
        chosen = self._cleaned().get("sort")
        if chosen == SORT_NAME or not self.searching:
            return SORT_NAME
        return SORT_RELEVANCE

    @property
    def qs(self) -> QuerySet[CatalogueEntry]:
        """Every match in the chosen order, with ``relevance`` when ranked (an unbound filterset
        lists all, by name)."""
        if self.sort_order == SORT_RELEVANCE:
            return self.matches.annotate(relevance=self.text_search.relevance).order_by(
                "-relevance", *NAME_ORDER
            )
        return self.matches.order_by(*NAME_ORDER)

    def page_editions(self, limit: int = RESULT_LIMIT) -> tuple[list[int] | QuerySet, int]:
        """What the list pages through, current-edition ids in order, and the number of matches
        counted no further than ``limit + 1``. By relevance: the first ``limit + 1`` matches are
        read with their rank and ordered here (for a query of several words, those matching all
        of them first, then the others, in a second query only when the first falls short), so a
        common word costs the same in a registry of 10 000 services as in one of 100 000 (with
        more matches than ``limit``, the order is that of the first ``limit`` found). By name:
        every match, in order."""
        if self.sort_order == SORT_RELEVANCE:
            columns = ("edition_id", "relevance", "sort_name", "registry_number")
            relevance = self.text_search.relevance
            strict = self.text_search.strict
            if strict is None:
                rows = list(self.matches.annotate(relevance=relevance).values_list(*columns)[: limit + 1])
            else:
                # A query of several words matches any of them: those matching all of them are
                # read first (both reads use the index and stop at the limit).
                rows = list(
                    self.matches.filter(strict)
                    .annotate(relevance=relevance)
                    .values_list(*columns)[: limit + 1]
                )
                if len(rows) <= limit:
                    rest = self.matches.exclude(strict).annotate(relevance=relevance).values_list(*columns)
                    rows += list(rest[: limit + 1 - len(rows)])
            ranked = sorted(rows[:limit], key=lambda row: (-row[1], row[2], row[3]))
            return [row[0] for row in ranked], len(rows)
        return self.qs.values_list("edition_id", flat=True), self.matches.values("pk")[: limit + 1].count()
