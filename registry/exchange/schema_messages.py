"""libxml2's schema errors, told in Russian.

libxml2 reports a schema error in English, names elements with their namespace in braces and
lists an enumeration's values in braces too (which the report used to strip, values and all:
«The value 'weeks' is not an element of the set .»). Each error kind (``entry.type_name``) gets
its Russian sentence here, naming the element and attribute; the allowed values of an
enumeration are read from the XSD itself (the schema is XML: its declarations say which type
each attribute and element has), so they are listed in full whatever libxml2 prints. A kind not
known here still gets a Russian sentence naming the element."""

import functools
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from registry.exchange.xml_export import SCHEMA_PATH
from registry.wording import counted, plural_form

XS = "{http://www.w3.org/2001/XMLSchema}"

# "Element '{ns}deadline', attribute 'unit': [facet 'enumeration'] The value …"
_ENTRY = re.compile(
    r"^Element '(?P<element>[^']*)'(?:, attribute '(?P<attribute>[^']*)')?: (?P<body>.*)$", re.S
)
_VALUE = re.compile(r"The value '(?P<value>.*)' (?:is not|has|is less|is greater|must)", re.S)
_ALLOWED_NUMBER = re.compile(r"\('(?P<limit>[^']*)'\)")
_ATOMIC = re.compile(
    r"^'(?P<value>.*)' is not a valid value of the (?:local )?(?:atomic|list|union) type '(?P<type>[^']*)'",
    re.S,
)
_ATTRIBUTE = re.compile(r"The attribute '(?P<attribute>[^']*)'")
_EXPECTED = re.compile(r"Expected is (?:one of )?\( (?P<names>[^)]*) \)")
_KEY_SEQUENCE = re.compile(
    r"key-sequence \[(?P<values>.*)\] (?:of keyref|in (?:unique|key) identity-constraint) '(?P<name>[^']*)'",
    re.S,
)
_SET = re.compile(r"set \{(?P<values>.*)\}", re.S)
_DIGITS_PATTERN = re.compile(r"^\[0-9\]\{(\d+)\}(?:\|\[0-9\]\{(\d+)\})*$")


def local_name(name: str) -> str:
    return name.rsplit("}", 1)[-1].split(":")[-1]


@dataclass
class SimpleType:
    base: str = ""
    enumeration: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    documentation: str = ""


@dataclass
class SchemaFacts:
    """What the messages need from the XSD: its simple types, and the type of each attribute and
    text element, by the element's (and attribute's) local name."""

    types: dict[str, SimpleType] = field(default_factory=dict)
    attribute_types: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    def enumeration(self, element: str, attribute: str) -> tuple[str, ...]:
        """The allowed values of the attribute (or, with attribute "", of the element's text);
        empty when the schema declares no enumeration there, or declares different ones under
        the same names."""
        found = {
            self.resolve(type_name).enumeration
            for type_name in self.attribute_types.get((element, attribute), ())
        }
        found.discard(())
        return found.pop() if len(found) == 1 else ()

    def resolve(self, type_name: str) -> SimpleType:
        """A named type with its base resolved down to the built-in XML Schema type."""
        simple = self.types.get(local_name(type_name)) if not type_name.startswith("xs:") else None
        if simple is None:
            return SimpleType(base=local_name(type_name))
        seen = {local_name(type_name)}
        base = simple.base
        while not base.startswith("xs:") and local_name(base) in self.types and local_name(base) not in seen:
            seen.add(local_name(base))
            base = self.types[local_name(base)].base
        return SimpleType(
            base=local_name(base),
            enumeration=simple.enumeration,
            patterns=simple.patterns,
            documentation=simple.documentation,
        )

    def pattern_documentation(self, pattern: str) -> str:
        for simple in self.types.values():
            if pattern in simple.patterns and simple.documentation:
                return simple.documentation
        return ""


def _simple_type(node: etree._Element) -> SimpleType:
    restriction = node.find(f"{XS}restriction")
    documentation = (node.findtext(f"{XS}annotation/{XS}documentation") or "").strip()
    if restriction is None:
        return SimpleType(documentation=documentation)
    return SimpleType(
        base=restriction.get("base", ""),
        enumeration=tuple(item.get("value") for item in restriction.findall(f"{XS}enumeration")),
        patterns=tuple(item.get("value") for item in restriction.findall(f"{XS}pattern")),
        documentation=documentation,
    )


@functools.cache
def schema_facts() -> SchemaFacts:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.parse(str(SCHEMA_PATH), parser).getroot()
    facts = SchemaFacts()
    for node in root.iter(f"{XS}simpleType"):
        if node.get("name"):
            facts.types[node.get("name")] = _simple_type(node)
    elements_of_type: dict[str, set[str]] = {}
    for node in root.iter(f"{XS}element"):
        if node.get("name") and node.get("type"):
            elements_of_type.setdefault(local_name(node.get("type")), set()).add(node.get("name"))
    group_users: dict[str, list[etree._Element]] = {}
    for node in root.iter(f"{XS}attributeGroup"):
        if node.get("ref"):
            group_users.setdefault(local_name(node.get("ref")), []).append(node)

    def owners(node: etree._Element) -> set[str]:
        for ancestor in node.iterancestors():
            name = ancestor.get("name")
            if ancestor.tag == f"{XS}element" and name:
                return {name}
            if ancestor.tag == f"{XS}complexType" and name:
                return elements_of_type.get(name, set())
            if ancestor.tag == f"{XS}attributeGroup" and name:
                return set().union(*(owners(user) for user in group_users.get(name, [])))
        return set()

    def declared_type(node: etree._Element, synthetic: str) -> str:
        if node.get("type"):
            return node.get("type")
        inline = node.find(f"{XS}simpleType")
        if inline is None:
            return ""
        facts.types[synthetic] = _simple_type(inline)
        return synthetic

    for node in root.iter(f"{XS}attribute"):
        if not node.get("name"):
            continue
        for owner in owners(node):
            type_name = declared_type(node, f"{owner}/@{node.get('name')}")
            if type_name:
                facts.attribute_types.setdefault((owner, node.get("name")), set()).add(type_name)
    for node in root.iter(f"{XS}element"):
        if node.get("name"):
            type_name = declared_type(node, node.get("name"))
            if type_name:
                facts.attribute_types.setdefault((node.get("name"), ""), set()).add(type_name)
    return facts


BUILT_IN_TYPES = {
    "date": gettext_lazy("дата в виде ГГГГ-ММ-ДД, например 2024-03-01"),
    "dateTime": gettext_lazy("дата и время в виде ГГГГ-ММ-ДДTчч:мм:сс, например 2024-03-01T10:00:00+03:00"),
    "boolean": gettext_lazy("true или false"),
    "positiveInteger": gettext_lazy("целое число больше нуля"),
    "nonNegativeInteger": gettext_lazy("целое число не меньше нуля"),
    "unsignedShort": gettext_lazy("целое число от 0 до 65 535"),
    "unsignedInt": gettext_lazy("целое число от 0 до 4 294 967 295"),
    "integer": gettext_lazy("целое число"),
    "int": gettext_lazy("целое число"),
    "decimal": gettext_lazy("число с точкой перед дробной частью, например 1500.00"),
    "anyURI": gettext_lazy("адрес (URI), например https://example.org/"),
    "base64Binary": gettext_lazy("данные в кодировке base64"),
    "string": gettext_lazy("текст"),
}


def _type_description(type_name: str) -> str:
    resolved = schema_facts().resolve(type_name)
    description = BUILT_IN_TYPES.get(resolved.base)
    if description is None:
        return _("значение типа «%(type)s»") % {"type": local_name(type_name)}
    return str(description)


def _pattern_description(pattern: str) -> str:
    digits = _DIGITS_PATTERN.match(pattern)
    if digits:
        counts = re.findall(r"\{(\d+)\}", pattern)
        last = int(counts[-1])
        return _("ожидается %(counts)s %(digits)s") % {
            "counts": _(" или ").join(counts),
            "digits": plural_form(last, _("цифра"), _("цифры"), _("цифр")),
        }
    return _("ожидается значение по шаблону «%(pattern)s»") % {"pattern": pattern}


def _characters(count: int) -> str:
    return counted(count, _("знак"), _("знака"), _("знаков"))


def _names(listed: str) -> list[str]:
    return [local_name(name.strip()) for name in listed.split(",") if name.strip()]


def _quoted_list(names: list[str]) -> str:
    return ", ".join(f"«{name}»" for name in names)


# The file's references and unique values (xs:key, xs:keyref, xs:unique), said in words.
_IDENTITY_MISSING = {
    "rowVariant": gettext_lazy("вариант «%(value)s» не описан в разделе variants этой редакции"),
    "selectedByAttribute": gettext_lazy(
        "признак заявителя «%(value)s» не описан в разделе applicantAttributes этой редакции"
    ),
    "citedAct": gettext_lazy("акт «%(value)s» не указан в списке legalActs в начале файла"),
    "amendingAct": gettext_lazy("акт «%(value)s» не указан в списке legalActs в начале файла"),
    "bodyParent": gettext_lazy("орган «%(value)s» не указан в списке bodies в начале файла"),
    "serviceBody": gettext_lazy("орган «%(value)s» не указан в списке bodies в начале файла"),
}
_IDENTITY_DUPLICATE = {
    "serviceNumber": gettext_lazy(
        "услуга с реестровым номером %(value)s указана в файле дважды, а каждая указывается один раз"
    ),
    "variantCode": gettext_lazy(
        "код варианта «%(value)s» повторяется в редакции, а коды вариантов различаются"
    ),
    "attributeCode": gettext_lazy(
        "код признака заявителя «%(value)s» повторяется в редакции, а коды признаков различаются"
    ),
    "actId": gettext_lazy("идентификатор акта «%(value)s» повторяется в файле"),
    "bodyId": gettext_lazy("идентификатор органа «%(value)s» повторяется в файле"),
    "officeCode": gettext_lazy(
        "код офиса «%(value)s» повторяется у органа, а коды офисов органа различаются"
    ),
    "officeService": gettext_lazy("услуга %(value)s указана у офиса дважды, а каждая указывается один раз"),
}


@dataclass(frozen=True)
class SchemaError:
    """One schema error in Russian; ``attribute`` is the attribute it is about, if any. A
    reference or unique value (libxml2 gives no path for those) names its ``element`` and
    ``value``, so that the caller can find the element that holds it."""

    message: str
    attribute: str = ""
    element: str = ""
    value: str = ""


def schema_error(type_name: str, text: str) -> SchemaError | None:
    """The Russian sentence for a libxml2 schema error (its kind and English message), or None
    for libxml2's follow-up warning that merely repeats an error already reported."""
    parsed = _ENTRY.match(text.strip())
    element = local_name(parsed["element"]) if parsed else ""
    attribute = (parsed["attribute"] or "") if parsed else ""
    body = parsed["body"] if parsed else text
    if "No precomputed value available" in body:
        return None
    if attribute:
        subject = _("Атрибут «%(attribute)s» элемента «%(element)s»") % {
            "attribute": attribute,
            "element": element,
        }
    else:
        subject = _("Элемент «%(element)s»") % {"element": element}
    message = _translate(type_name, body, element, attribute, subject)
    if message is None:
        if parsed:
            message = _("%(subject)s не соответствует схеме обмена реестра.") % {"subject": subject}
        else:
            message = _("Файл не соответствует схеме обмена реестра.")
    key = _KEY_SEQUENCE.search(body) if type_name == "SCHEMAV_CVC_IDC" else None
    values = re.findall(r"'([^']*)'", key["values"]) if key else []
    return SchemaError(
        message, attribute, element if len(values) == 1 else "", values[0] if len(values) == 1 else ""
    )


def _translate(type_name: str, body: str, element: str, attribute: str, subject: str) -> str | None:  # noqa: C901, PLR0911, PLR0912 — one branch per kind of error
    value_match = _VALUE.search(body)
    value = value_match["value"] if value_match else ""
    limit_match = _ALLOWED_NUMBER.search(body)
    limit = limit_match["limit"] if limit_match else ""
    if type_name == "SCHEMAV_CVC_ENUMERATION_VALID":
        allowed = schema_facts().enumeration(element, attribute)
        if not allowed:
            listed = _SET.search(body)
            allowed = tuple(re.findall(r"'([^']*)'", listed["values"])) if listed else ()
        return _("%(subject)s: значение «%(value)s» не допускается. Допустимые значения: %(allowed)s.") % {
            "subject": subject,
            "value": value,
            "allowed": ", ".join(allowed) or "—",
        }
    if type_name == "SCHEMAV_CVC_PATTERN_VALID":
        pattern = re.search(r"pattern '(?P<pattern>.*)'\.?$", body, re.S)
        pattern = pattern["pattern"] if pattern else ""
        documentation = schema_facts().pattern_documentation(pattern)
        if documentation:
            # The schema's own words: «Реестровый номер услуги: 11 цифр (федеральная) или 19 …».
            return _("%(subject)s: значение «%(value)s» не подходит. %(documentation)s") % {
                "subject": subject,
                "value": value,
                "documentation": documentation,
            }
        return _("%(subject)s: значение «%(value)s» не подходит: %(description)s.") % {
            "subject": subject,
            "value": value,
            "description": _pattern_description(pattern),
        }
    if type_name in (
        "SCHEMAV_CVC_MINLENGTH_VALID",
        "SCHEMAV_CVC_MAXLENGTH_VALID",
        "SCHEMAV_CVC_LENGTH_VALID",
    ):
        numbers = [int(number) for number in re.findall(r"'(\d+)'", body)[-2:]]
        if len(numbers) != 2:
            return None
        length, bound = numbers
        if type_name == "SCHEMAV_CVC_MINLENGTH_VALID" and length == 0:
            return _("%(subject)s пуст, а значение обязательно.") % {"subject": subject}
        wording = {
            "SCHEMAV_CVC_MINLENGTH_VALID": _(
                "%(subject)s: значение длиной %(length)s, а требуется не менее %(bound)s."
            ),
            "SCHEMAV_CVC_MAXLENGTH_VALID": _(
                "%(subject)s: значение длиной %(length)s, а допускается не более %(bound)s."
            ),
            "SCHEMAV_CVC_LENGTH_VALID": _(
                "%(subject)s: значение длиной %(length)s, а требуется ровно %(bound)s."
            ),
        }[type_name]
        return wording % {"subject": subject, "length": _characters(length), "bound": _characters(bound)}
    bounds = {
        "SCHEMAV_CVC_MININCLUSIVE_VALID": _(
            "%(subject)s: значение «%(value)s» меньше допустимого: наименьшее — %(limit)s."
        ),
        "SCHEMAV_CVC_MAXINCLUSIVE_VALID": _(
            "%(subject)s: значение «%(value)s» больше допустимого: наибольшее — %(limit)s."
        ),
        "SCHEMAV_CVC_MINEXCLUSIVE_VALID": _(
            "%(subject)s: значение «%(value)s» должно быть больше %(limit)s."
        ),
        "SCHEMAV_CVC_MAXEXCLUSIVE_VALID": _(
            "%(subject)s: значение «%(value)s» должно быть меньше %(limit)s."
        ),
        "SCHEMAV_CVC_TOTALDIGITS_VALID": _(
            "%(subject)s: в значении «%(value)s» больше цифр, чем допускается: не более %(limit)s."
        ),
        "SCHEMAV_CVC_FRACTIONDIGITS_VALID": _(
            "%(subject)s: в значении «%(value)s» больше знаков после точки, чем допускается: "
            "не более %(limit)s."
        ),
    }
    if type_name in bounds:
        return bounds[type_name] % {"subject": subject, "value": value, "limit": limit}
    if type_name.startswith("SCHEMAV_CVC_DATATYPE_VALID") or (
        type_name == "SCHEMAV_CVC_TYPE_3_1_1" and "valid value" in body
    ):
        atomic = _ATOMIC.match(body)
        if atomic is None:
            return None
        return _("%(subject)s: значение «%(value)s» не подходит: ожидается %(type)s.") % {
            "subject": subject,
            "value": atomic["value"],
            "type": _type_description(atomic["type"]),
        }
    if type_name == "SCHEMAV_CVC_COMPLEX_TYPE_4":
        missing = _ATTRIBUTE.search(body)
        if missing is None:
            return None
        return _("У элемента «%(element)s» нет обязательного атрибута «%(attribute)s».") % {
            "element": element,
            "attribute": missing["attribute"],
        }
    if "is not allowed" in body and _ATTRIBUTE.search(body) and "attribute" in body.lower():
        extra = _ATTRIBUTE.search(body)["attribute"]
        return _(
            "У элемента «%(element)s» не может быть атрибута «%(attribute)s»: схема его не предусматривает."
        ) % {
            "element": element,
            "attribute": extra,
        }
    if type_name == "SCHEMAV_ELEMENT_CONTENT" or type_name.startswith("SCHEMAV_CVC_COMPLEX_TYPE_2_4"):
        expected = _EXPECTED.search(body)
        names = _names(expected["names"]) if expected else []
        if "Missing child element" in body:
            if not names:
                return _("В элементе «%(element)s» не хватает обязательных вложенных элементов.") % {
                    "element": element
                }
            if len(names) == 1:
                return _("В элементе «%(element)s» не хватает обязательного элемента «%(name)s».") % {
                    "element": element,
                    "name": names[0],
                }
            return _("В элементе «%(element)s» не хватает обязательного элемента: одного из %(names)s.") % {
                "element": element,
                "names": _quoted_list(names),
            }
        if "not expected" in body:
            if not names:
                return _(
                    "Элемент «%(element)s» здесь не предусмотрен схемой: он лишний или стоит не на своём "
                    "месте."
                ) % {"element": element}
            if len(names) == 1:
                return _(
                    "Элемент «%(element)s» здесь не предусмотрен схемой: на этом месте ожидается элемент "
                    "«%(name)s»."
                ) % {"element": element, "name": names[0]}
            return _(
                "Элемент «%(element)s» здесь не предусмотрен схемой: на этом месте ожидается один из "
                "элементов %(names)s."
            ) % {"element": element, "names": _quoted_list(names)}
        return None
    if "Character content other than whitespace is not allowed" in body:
        return _("В элементе «%(element)s» не может быть текста, только вложенные элементы.") % {
            "element": element
        }
    if "Element content is not allowed" in body:
        return _("В элементе «%(element)s» может быть только текст, без вложенных элементов.") % {
            "element": element
        }
    if type_name == "SCHEMAV_CVC_IDC":
        key = _KEY_SEQUENCE.search(body)
        if key is None:
            return None
        values = ", ".join(re.findall(r"'([^']*)'", key["values"])) or key["values"]
        name = local_name(key["name"])
        if "No match found" in body:
            wording = _IDENTITY_MISSING.get(name)
            if wording is None:
                return _(
                    "Элемент «%(element)s»: ссылка «%(value)s» никуда не ведёт (ограничение «%(name)s»)."
                ) % {
                    "element": element,
                    "value": values,
                    "name": name,
                }
            return _("Элемент «%(element)s» ссылается на то, чего нет: %(what)s.") % {
                "element": element,
                "what": str(wording) % {"value": values},
            }
        wording = _IDENTITY_DUPLICATE.get(name)
        if wording is None:
            return _(
                "Элемент «%(element)s»: значение «%(value)s» повторяется, а должно быть единственным "
                "(ограничение «%(name)s»)."
            ) % {
                "element": element,
                "value": values,
                "name": name,
            }
        what = str(wording) % {"value": values}
        return _("Элемент «%(element)s»: %(what)s.") % {"element": element, "what": what}
    if type_name == "SCHEMAV_CVC_ELT_1":
        return _("Элемент «%(element)s» не описан схемой обмена реестра.") % {"element": element}
    return None
