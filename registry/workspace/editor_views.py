"""Views of the draft editor: creating a service, and one page per section of a draft.

Thin: parse, call registry.services, render. Another body's edition answers 404; an edition
the user may see but not edit (submitted, published, or a reviewer's view) is shown read-only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from registry.models import Edition
from registry.services import (
    EditConflict,
    EditionNotEditable,
    WorkflowError,
    edition_create_draft,
    edition_update,
    service_create,
)
from registry.validation import validate_edition
from registry.validation.engine import applicable_requirements
from registry.workspace.editor import (
    SectionForms,
    bodies_for_new_service,
    build_forms,
    conflict_comparison,
    edition_for_editor,
    is_editable,
    save_section,
    section_help,
    section_menu,
    validation_panel,
)
from registry.workspace.editor_forms import EditorChoices, ServiceCreateForm
from registry.workspace.sections import SECTIONS_BY_SLUG, Section, sections_for


@login_required
def service_create_view(request: HttpRequest) -> HttpResponse:
    bodies = bodies_for_new_service(request.user)
    if not bodies.exists():
        raise PermissionDenied(_("Создавать услуги может должностное лицо органа или администратор реестра."))
    form = ServiceCreateForm(request.POST or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                service = service_create(
                    actor=request.user,
                    provider=data["provider"],
                    under_single_standard=data["under_single_standard"],
                    categories=data["categories"],
                )
                draft = edition_create_draft(service=service, actor=request.user)
                edition_update(
                    edition=draft,
                    actor=request.user,
                    changes={"full_name": data["full_name"], "short_name": data["short_name"]},
                    expected_version=draft.lock_version,
                )
        except ValidationError as error:
            form.add_error(None, error.messages)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Услуга создана, реестровый номер %(number)s. Заполните стандарт по разделам.")
                % {"number": service.registry_number},
            )
            return redirect("workspace:edition_edit", pk=draft.pk)
    return render(request, "workspace/editor/service_create.html", {"form": form})


def section_url(edition: Edition, slug: str, anchor: str = "") -> str:
    url = reverse("workspace:edition_edit", kwargs={"pk": edition.pk, "section": slug})
    return f"{url}#{anchor}" if anchor else url


@login_required
def edition_edit_view(request: HttpRequest, pk: int, section: str | None = None) -> HttpResponse:
    try:
        edition = edition_for_editor(request.user, pk)
    except Edition.DoesNotExist:
        raise Http404(_("Редакция не найдена.")) from None
    sections = sections_for(edition.service)
    current = SECTIONS_BY_SLUG.get(section or sections[0].slug)
    if current is None or current not in sections:
        raise Http404(_("Такого раздела у стандарта этой услуги нет."))
    editable = is_editable(request.user, edition)
    choices = EditorChoices(edition, act_query=request.GET.get("act_q", ""))

    if request.method != "POST":
        forms = build_forms(current, edition, choices=choices, read_only=not editable)
        return render_section(request, edition, sections, current, forms, editable=editable)

    if not editable:
        messages.error(request, _("Эта редакция не редактируется: изменять можно только черновик."))
        return redirect(section_url(edition, current.slug))
    forms = build_forms(current, edition, choices=choices, data=request.POST, files=request.FILES)
    expected_version = parse_version(request.POST.get("lock_version"))
    save_errors: list[str] = []
    if forms.is_valid():
        try:
            save_section(edition=edition, actor=request.user, forms=forms, expected_version=expected_version)
        except EditConflict as conflict:
            stored = edition_for_editor(request.user, pk)
            return render_section(
                request, stored, sections, current, forms, editable=True, conflict=conflict, status=409
            )
        except EditionNotEditable as error:
            messages.error(request, str(error))
            return redirect(section_url(edition, current.slug))
        except ValidationError as error:
            save_errors = attach_errors(forms, error)
        except WorkflowError as error:
            save_errors = [str(error)]
        else:
            messages.success(request, _("Раздел «%(section)s» сохранён.") % {"section": current.title})
            target = current
            if "save_next" in request.POST:
                index = sections.index(current)
                target = sections[min(index + 1, len(sections) - 1)]
            return redirect(section_url(edition, target.slug))
    return render_section(
        request,
        edition,
        sections,
        current,
        forms,
        editable=True,
        lock_version=expected_version,
        save_errors=save_errors,
        status=400,
    )


def parse_version(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def attach_errors(forms: SectionForms, error: ValidationError) -> list[str]:
    """A refusal of the services after the forms passed: tie it to the section's fields when it
    names them, otherwise show it at the top of the page."""
    unplaced: list[str] = []
    if hasattr(error, "error_dict") and forms.form is not None:
        for name, errors in error.error_dict.items():
            if name in forms.form.fields:
                forms.form.add_error(name, errors)
            else:
                unplaced.extend(message for item in errors for message in item.messages)
    else:
        unplaced.extend(error.messages)
    return unplaced


def render_section(
    request: HttpRequest,
    edition: Edition,
    sections: list[Section],
    current: Section,
    forms: SectionForms,
    *,
    editable: bool,
    conflict: EditConflict | None = None,
    lock_version: int | None = None,
    save_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    report = validate_edition(edition)

    def url_for(slug: str, anchor: str) -> str:
        return section_url(edition, slug, anchor)

    panel, unplaced = validation_panel(report, sections, url_for)
    conflict_fields, conflict_lists = ([], [])
    if conflict is not None:
        conflict_fields, conflict_lists = conflict_comparison(current, forms, edition)
        lock_version = conflict.current_version
    error_links = [] if conflict is not None else forms.error_links()
    flags = {formset.row_list.flag for formset in forms.formsets if formset.row_list.flag}
    form = forms.form
    edition_fields = [bound for bound in form if bound.name not in flags] if form is not None else []
    row_blocks = [
        (formset, form[formset.row_list.flag] if form is not None and formset.row_list.flag else None)
        for formset in forms.formsets
    ]
    context = {
        "edition": edition,
        "service": edition.service,
        "section": current,
        "sections": sections,
        "menu": section_menu(report, sections, current, url_for, applicable_codes(edition.service)),
        "help": section_help(edition.service, current),
        "forms": forms,
        "form": form,
        "edition_fields": edition_fields,
        "row_blocks": row_blocks,
        "reload_url": section_url(edition, current.slug),
        "editable": editable,
        "lock_version": edition.lock_version if lock_version is None else lock_version,
        "report": report,
        "panel": panel,
        "unplaced_findings": unplaced,
        "error_links": error_links,
        "save_errors": save_errors or [],
        "conflict": conflict,
        "conflict_fields": conflict_fields,
        "conflict_lists": conflict_lists,
        "act_query": request.GET.get("act_q", ""),
        "has_act_select": any("act" in rows.fields for rows in current.row_lists)
        or "amending_act" in current.fields,
        "next_section": next_of(sections, current),
        "completeness_percent": round(report.completeness * 100),
    }
    return render(request, "workspace/editor/section.html", context, status=status)


def applicable_codes(service) -> set[str]:
    return {requirement.code for requirement in applicable_requirements(service)}


def next_of(sections: list[Section], current: Section) -> Section | None:
    index = sections.index(current)
    return sections[index + 1] if index + 1 < len(sections) else None
