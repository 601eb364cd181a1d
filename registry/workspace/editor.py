"""What an editor page shows and how its input becomes one save.

Reads: the edition as the user may see it, the statutory help of the section, the validation
panel and the section menu. Writes go through registry.services only: ``edition_update`` for
the section's own fields, then ``edition_rows_update`` for its lists, in one transaction and
starting from the ``lock_version`` the page was rendered with."""

import datetime
import decimal
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from registry.models import Document, Edition, EditionStatus, ProviderBody, Role, Service
from registry.permissions import User, body_ids_with_role, can_edit_edition, is_administrator
from registry.selectors import editions_visible_to
from registry.services import edition_rows_update, edition_update
from registry.validation import Finding, ValidationReport
from registry.validation.engine import applicable_requirements, requirement_citation
from registry.workspace.editor_forms import (
    EditionSectionForm,
    EditorChoices,
    RowFormSet,
    check_documents_in_one_list,
    edition_form_class,
    row_formset_class,
)
from registry.workspace.sections import SECTION_OF_FINDING, Section

# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------


def edition_for_editor(user: User, pk: int) -> Edition:
    """The edition if the user may see it; Http404 (Edition.DoesNotExist) otherwise, so another
    body's draft is not shown to exist."""
    return editions_visible_to(user).select_related("service__provider__region", "amending_act").get(pk=pk)


def is_editable(user: User, edition: Edition) -> bool:
    return edition.status == EditionStatus.DRAFT and can_edit_edition(user, edition)


def bodies_for_new_service(user: User) -> QuerySet[ProviderBody]:
    """The bodies in which the user may create services: where an official; all for admins."""
    bodies = ProviderBody.objects.select_related("region").order_by("full_name")
    if is_administrator(user):
        return bodies
    return bodies.filter(pk__in=body_ids_with_role(user, Role.OFFICIAL))


@dataclass(frozen=True)
class RequirementHelp:
    title: str
    citation: str
    filled_when: str


def section_help(service: Service, section: Section) -> list[RequirementHelp]:
    """The statutory items a section answers, worded and cited as in the requirement records."""
    requirements = [r for r in applicable_requirements(service) if r.code in section.requirement_codes]
    return [
        RequirementHelp(title=r.title, citation=requirement_citation(r), filled_when=r.filled_when)
        for r in requirements
    ]


@dataclass
class PanelLink:
    finding: Finding
    url: str


@dataclass
class PanelGroup:
    section: Section
    errors: list[PanelLink] = field(default_factory=list)
    warnings: list[PanelLink] = field(default_factory=list)


@dataclass
class MenuEntry:
    section: Section
    state: str  # "complete", "errors", "warnings", "optional"
    url: str
    current: bool


def finding_anchor(finding: Finding, section: Section) -> str:
    """The element a finding links to: its row when it is about one row of a list, else its
    field or list."""
    if not finding.field or finding.field not in section.anchors:
        return ""
    if finding.row is not None:
        for rows in section.row_lists:
            if rows.anchor == finding.field:
                return f"{rows.prefix}-{finding.row}"  # the row's fieldset (_row.html)
    return f"field-{finding.field}"


def validation_panel(
    report: ValidationReport, sections: list[Section], url_for: Any
) -> tuple[list[PanelGroup], list[PanelLink]]:
    """Findings grouped by editor page in page order, each linked to its page and field.

    Findings of a validator section no page covers (a rule added later) come back apart,
    linked to the first page, so that nothing is hidden."""
    by_slug = {section.slug: PanelGroup(section=section) for section in sections}
    unplaced: list[PanelLink] = []
    for finding in report.findings:
        group = by_slug.get(SECTION_OF_FINDING.get(finding.section, ""))
        if group is None:
            unplaced.append(PanelLink(finding=finding, url=url_for(sections[0].slug, "")))
            continue
        link = PanelLink(
            finding=finding, url=url_for(group.section.slug, finding_anchor(finding, group.section))
        )
        (group.errors if finding.is_error else group.warnings).append(link)
    return [group for group in by_slug.values() if group.errors or group.warnings], unplaced


def section_menu(
    report: ValidationReport, sections: list[Section], current: Section, url_for: Any, applicable: set[str]
) -> list[MenuEntry]:
    """Each page with its state; a page no applicable statutory item needs is "optional"."""
    states: dict[str, str] = {}
    for finding in report.findings:
        slug = SECTION_OF_FINDING.get(finding.section)
        if finding.is_error:
            states[slug] = "errors"
        elif states.get(slug) != "errors":
            states[slug] = "warnings"
    menu = []
    for section in sections:
        state = states.get(section.slug)
        if state is None:
            state = "complete" if applicable & set(section.requirement_codes) else "optional"
        menu.append(
            MenuEntry(section=section, state=state, url=url_for(section.slug, ""), current=section == current)
        )
    return menu


# ---------------------------------------------------------------------------------------------
# Forms of a page
# ---------------------------------------------------------------------------------------------


@dataclass
class SectionForms:
    form: EditionSectionForm | None
    formsets: list[RowFormSet]

    @property
    def all_forms(self) -> list[Any]:
        return [*([self.form] if self.form else []), *self.formsets]

    def is_valid(self) -> bool:
        # Every form is validated (a list, not a generator), so every error is shown at once.
        valid = all([form.is_valid() for form in self.all_forms])
        if valid:
            check_documents_in_one_list([formset for formset in self.formsets if formset.model is Document])
            valid = all([formset.is_valid() for formset in self.formsets])
        return valid

    def error_links(self) -> list[tuple[str, str]]:
        """(message, element id) for the error summary: every error, linked to its field."""
        links: list[tuple[str, str]] = []
        if self.form is not None:
            links.extend(form_error_links(self.form))
        for formset in self.formsets:
            for error in formset.non_form_errors():
                links.append((f"{formset.row_list.title}: {error}", f"field-{formset.row_list.anchor}"))
            for index, form in enumerate(formset.forms, start=1):
                prefix = _("%(list)s, строка %(row)s") % {"list": formset.row_list.title, "row": index}
                links.extend((f"{prefix}: {message}", anchor) for message, anchor in form_error_links(form))
        return links


def form_error_links(form: Any) -> list[tuple[str, str]]:
    links = []
    for error in form.non_field_errors():
        links.append((str(error), f"{form.prefix or 'form'}-errors"))
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        bound = form[name]
        target = bound.auto_id if not bound.field.widget.use_fieldset else f"{bound.auto_id}_group"
        for error in errors:
            links.append((f"{bound.label}: {error}", target))
    return links


def build_forms(
    section: Section,
    edition: Edition,
    *,
    choices: EditorChoices,
    data: Any = None,
    files: Any = None,
    read_only: bool = False,
) -> SectionForms:
    form_class = edition_form_class(section)
    form = None
    if form_class is not None:
        form = form_class(
            data, files, instance=edition, choices=choices, read_only=read_only, prefix="edition"
        )
    formsets = []
    for rows in section.row_lists:
        formset_class = row_formset_class(rows, read_only=read_only)
        formsets.append(
            formset_class(
                data,
                files,
                queryset=rows.queryset(edition),
                prefix=rows.prefix,
                form_kwargs={
                    "edition": edition,
                    "fixed": rows.fixed,
                    "choices": choices,
                    "read_only": read_only,
                },
            )
        )
    return SectionForms(form=form, formsets=formsets)


# ---------------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------------


def plain_value(value: Any) -> Any:
    if isinstance(value, QuerySet):
        return list(value)
    return value


def edition_changes(form: EditionSectionForm | None) -> dict[str, Any]:
    if form is None:
        return {}
    return {name: plain_value(form.cleaned_data[name]) for name in form.changed_data}


def row_changes(formsets: Iterable[RowFormSet]) -> tuple[list, list, list]:
    add, change, remove = [], [], []
    for formset in formsets:
        rows = formset.row_list
        for form in formset.initial_forms:
            if formset._should_delete_form(form):
                remove.append(form.instance)
            elif form.has_changed():
                values = {name: plain_value(form.cleaned_data[name]) for name in form.changed_data}
                change.append((form.instance, {k: v for k, v in values.items() if k in rows.fields}))
        for form in formset.extra_forms:
            if not form.has_changed() or formset._should_delete_form(form):
                continue
            values = {name: plain_value(form.cleaned_data[name]) for name in rows.fields}
            add.append((formset.model, {**values, **rows.fixed}))
    return add, change, remove


def save_section(*, edition: Edition, actor: User, forms: SectionForms, expected_version: int) -> Edition:
    """One save of a page: fields, then rows, from the version the page was rendered with.

    Raises EditConflict (nothing applied) or ValidationError (nothing applied)."""
    add, change, remove = row_changes(forms.formsets)
    with transaction.atomic():
        stored = edition_update(
            edition=edition,
            actor=actor,
            changes=edition_changes(forms.form),
            expected_version=expected_version,
        )
        if forms.formsets:
            try:
                with transaction.atomic():
                    edition_rows_update(
                        edition=stored,
                        actor=actor,
                        expected_version=stored.lock_version,
                        add=add,
                        change=change,
                        remove=remove,
                    )
            except IntegrityError as error:
                raise ValidationError(
                    _("Строки не сохранены: в перечне повторяется запись (%(detail)s).") % {"detail": error},
                    code="duplicate_row",
                ) from error
    return Edition.objects.get(pk=edition.pk)


# ---------------------------------------------------------------------------------------------
# The conflict screen
# ---------------------------------------------------------------------------------------------


def display_value(value: Any) -> str:
    """A stored or typed value as the official reads it."""
    if value is None or value == "":
        return _("не указано")
    if value is True:
        return _("да")
    if value is False:
        return _("нет")
    if isinstance(value, datetime.date):
        return date_format(value, "d.m.Y")
    if isinstance(value, decimal.Decimal):
        return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
    if isinstance(value, list | tuple | QuerySet):
        return "; ".join(str(item) for item in value) or _("не указано")
    if isinstance(value, models.fields.files.FieldFile):
        return value.name.rsplit("/", 1)[-1] if value else _("не указано")
    return str(value)


@dataclass
class ConflictField:
    label: str
    yours: str
    theirs: str

    @property
    def differs(self) -> bool:
        return self.yours != self.theirs


@dataclass
class ConflictRows:
    title: str
    rows: list[str]


def conflict_comparison(section: Section, forms: SectionForms, stored: Edition) -> tuple[list, list]:
    """Side by side: what the official typed and what is saved now (for the section's fields),
    and the rows as saved now for each list."""
    fields = []
    if forms.form is not None:
        typed = getattr(forms.form, "cleaned_data", {})
        for name in section.fields:
            model_field = Edition._meta.get_field(name)
            saved = getattr(stored, name)
            if model_field.many_to_many:
                saved = list(saved.all())
            if model_field.choices and saved:
                saved = getattr(stored, f"get_{name}_display")()
            yours = typed.get(name, forms.form[name].value())
            if model_field.choices and yours:
                yours = dict(model_field.flatchoices).get(yours, yours)
            fields.append(
                ConflictField(
                    label=str(model_field.verbose_name),
                    yours=display_value(yours),
                    theirs=display_value(saved),
                )
            )
    lists = []
    for formset in forms.formsets:
        rows = formset.row_list
        shown = [name for name in rows.fields if name not in ("attribute_values", "variant")][:3]
        stored_rows = [" — ".join(row_value(row, name) for name in shown) for row in rows.queryset(stored)]
        lists.append(ConflictRows(title=str(rows.title), rows=stored_rows))
    return fields, lists


def row_value(row: models.Model, name: str) -> str:
    model_field = row._meta.get_field(name)
    if model_field.choices:
        return getattr(row, f"get_{name}_display")()
    return display_value(getattr(row, name))
