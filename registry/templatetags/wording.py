"""``{{ n|counted:"документ,документа,документов" }}`` → «3 документа»; ``plural_form`` gives the
noun alone."""

from django import template

from registry import wording

register = template.Library()


def _forms(forms: str) -> tuple[str, str, str]:
    one, few, many = (form.strip() for form in forms.split(","))
    return one, few, many


@register.filter
def counted(n, forms: str) -> str:
    return wording.counted(int(n), *_forms(forms))


@register.filter
def plural_form(n, forms: str) -> str:
    return wording.plural_form(int(n), *_forms(forms))


@register.filter
def lower_first(text) -> str:
    return wording.lower_first(str(text))


@register.filter
def model_counted(opts, n) -> str:
    """The admin's «16 редакций стандартов»: the model's name for ``n`` from the project's message
    catalogue (``locale/ru``: three forms per model; Django's template takes the plural
    «редакции стандартов» for every count but one)."""
    from django.contrib.admin.utils import model_ngettext

    return f"{n} {model_ngettext(opts, int(n))}"
