"""A multiple select drawn in Python: the reason filter offers every provider's codes
(over 150 options), and Django's widget renders each option through a template, which
made the filter bar most of the list page's cost."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe


class PlainSelectMultiple(forms.SelectMultiple):
    """The same markup as SelectMultiple (attributes, optgroups, chosen options), built
    as one string."""

    def render(
        self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        final = {**self.build_attrs(self.attrs, attrs), "multiple": True}
        parts = [f'<select name="{escape(name)}"{_attrs(final)}>']
        for group, options in self.choices:
            if isinstance(options, list | tuple):
                parts.append(f'<optgroup label="{escape(str(group))}">')
                parts.extend(_options(options, chosen))
                parts.append("</optgroup>")
            else:
                parts.extend(_options([(group, options)], chosen))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 -- every label and value is escaped


def _options(options: Iterable[tuple[Any, Any]], chosen: set[str]) -> Iterable[str]:
    for value, label in options:
        text = str(value)
        selected = " selected" if text in chosen else ""
        yield f'<option value="{escape(text)}"{selected}>{escape(str(label))}</option>'


def _attrs(attrs: dict[str, Any]) -> str:
    """As Django's attrs.html: in order, True as a bare name, False left out."""
    return "".join(
        f" {key}" if value is True else f' {key}="{escape(str(value))}"'
        for key, value in attrs.items()
        if value is not False and value is not None
    )
