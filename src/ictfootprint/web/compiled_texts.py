"""Jinja templates compiled with their constant texts already in one language.

``{{ _("constant") }}`` through Jinja's i18n extension costs a gettext call on every render
(about 5.5 µs; a country page says 222 of them). A :class:`CompilingEnvironment` whose
``folded`` is a language rewrites each such call, as it parses a template, into its
translation: a literal of the compiled template where the call has no variables, the
translation marked safe ``%`` its variables where it has some, which is what the extension's
gettext gives at run time. ``ictfootprint.web.render.environment(lang)`` is the overlay per
language that pages render with.
"""

from __future__ import annotations

from collections.abc import Callable

from jinja2 import Environment, nodes
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from ictfootprint.web import i18n


class CompilingEnvironment(Environment):
    """Jinja's environment, that translates ``_("constant")`` as it compiles a template when
    it is one language's (``folded``, set on the overlays of ``render.environment``)."""

    folded: str | None = None

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        escaped = self.autoescape(name) if callable(self.autoescape) else self.autoescape
        if self.folded is None or not escaped:  # gettext marks safe only where it escapes
            return tree
        folded = Translated(i18n.translator(self.folded).gettext).visit(tree)
        assert isinstance(folded, nodes.Template)
        return folded


class Translated(NodeTransformer):
    """``_("constant", name=value, …)`` becomes its translation marked safe, ``%`` its
    variables (a constant when there are none): what the i18n extension's gettext gives at
    run time, the variables escaped by the ``%`` of ``Markup``."""

    def __init__(self, gettext: Callable[[str], str]) -> None:
        self.gettext = gettext

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        if (
            isinstance(node.node, nodes.Name)
            and node.node.name == "_"
            and len(node.args) == 1
            and isinstance(node.args[0], nodes.Const)
            and isinstance(node.args[0].value, str)
            and node.dyn_args is None
            and node.dyn_kwargs is None
        ):
            text = Markup(self.gettext(node.args[0].value))
            if not node.kwargs:
                return nodes.MarkSafe(nodes.Const(str(text % {})), lineno=node.lineno)
            variables = [
                nodes.Pair(nodes.Const(k.key), self.visit(k.value), lineno=k.lineno)
                for k in node.kwargs
            ]
            return nodes.Mod(
                nodes.MarkSafe(nodes.Const(str(text))),
                nodes.Dict(variables),
                lineno=node.lineno,
            )
        return self.generic_visit(node)
