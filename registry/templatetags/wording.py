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
