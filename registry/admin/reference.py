"""Classifiers: subjects of the Federation, categories, applicant categories, payment methods
and channels; the synonym dictionary of the catalogue search."""

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from config.admin_names import AccusativeTitlesMixin
from registry.models import (
    FROZEN_STATUSES,
    ApplicantCategory,
    Category,
    Channel,
    Edition,
    PaymentMethod,
    Region,
    SearchSynonym,
)


@admin.register(Region)
class RegionAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    verbose_name_accusative = _("субъект Российской Федерации")
    list_display = ["code", "name"]
    list_display_links = ["code", "name"]
    search_fields = ["code", "name"]
    ordering = ["code"]


class ClassifierAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    list_display_links = ["name", "code"]
    search_fields = ["name", "code"]
    ordering = ["order", "name"]
    fields = ["name", "code", "order"]


class EditionChoiceAdmin(ClassifierAdmin):
    """A classifier that editions choose (many-to-many). Deleting an entry would remove it from
    published editions, which are never changed: those editions protect it."""

    edition_fields: tuple[str, ...] = ()

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        chosen_by = Q()
        for field_name in self.edition_fields:
            chosen_by |= Q(**{f"{field_name}__in": objs})
        frozen = (
            Edition.objects.filter(chosen_by, status__in=FROZEN_STATUSES)
            .select_related("service")
            .distinct()
            .order_by("pk")
        )
        protected = [
            *protected,
            *(
                format_html(
                    '{}: <a href="{}">{}</a>',
                    capfirst(Edition._meta.verbose_name),
                    reverse("admin:registry_edition_change", args=[edition.pk]),
                    edition,
                )
                for edition in frozen
            ),
        ]
        return deleted, model_count, perms_needed, protected


@admin.register(Category)
class CategoryAdmin(ClassifierAdmin):
    verbose_name_accusative = _("категорию или жизненную ситуацию")
    list_display = ["name", "code", "kind", "order"]
    list_filter = ["kind"]
    fields = ["kind", "name", "code", "description", "order"]


@admin.register(ApplicantCategory)
class ApplicantCategoryAdmin(EditionChoiceAdmin):
    verbose_name_accusative = _("категорию заявителей")
    edition_fields = ("applicant_categories",)


@admin.register(PaymentMethod)
class PaymentMethodAdmin(EditionChoiceAdmin):
    verbose_name_accusative = _("способ оплаты")
    edition_fields = ("payment_methods",)


@admin.register(Channel)
class ChannelAdmin(EditionChoiceAdmin):
    verbose_name_accusative = _("канал подачи или получения")
    edition_fields = ("submission_channels", "result_delivery_channels")


@admin.register(SearchSynonym)
class SearchSynonymAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    """The words citizens search with. A change applies to the next search (each search reads
    the dictionary) and retires the cached catalogue pages (``registry.catalogue.caching``)."""

    verbose_name_accusative = _("синоним для поиска")

    list_display = ["term", "meaning"]
    list_display_links = ["term"]
    search_fields = ["term", "meaning"]
    ordering = ["term"]
    fields = ["term", "meaning"]
