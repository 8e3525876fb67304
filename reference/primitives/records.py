"""``evolve``: a copy of a frozen record with some fields changed [CHAIN-5].

The state is made of frozen attrs records nested in one another, and every
transition rebuilds the records on the path from the state down to what
changed. :func:`evolve` is ``attrs.evolve`` with the same result, made
cheaper because it runs on every write. ``attrs.evolve`` walks the class's
field list on every call and calls the class by keyword; here each class gets
a copier, written once as Python source the way attrs writes ``__init__``:

* for most records, a function that calls the class with every field by
  position, each taken from the changes or else from the record, so
  ``__init__`` and any validators and converters run as they did::

      def copy(record, /, *, free=SAME, reserved=SAME, frozen=SAME):
          return cls(
              record.free if free is SAME else free,
              record.reserved if reserved is SAME else reserved,
              record.frozen if frozen is SAME else frozen,
          )

* for a wide record marked :func:`copied_by_dictionary` (the chain state,
  rebuilt on every write), a copy of its dictionary with the changes, which
  is what its ``__init__`` would store.

Type checkers see ``attrs.evolve`` itself, so the changes are checked against
the fields as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

R = TypeVar("R", bound=type)

Copier = Callable[..., Any]

SAME = object()
"""The default of a copier's arguments: the field keeps the record's value."""

_copiers: dict[type, Copier] = {}
_by_dictionary: set[type] = set()


def copied_by_dictionary(cls: R) -> R:
    """Let :func:`evolve` copy this record's dictionary rather than call its ``__init__``.

    That gives the same record when ``__init__`` only stores its arguments, so
    this checks that the class has no slots, no ``__attrs_pre_init__`` or
    ``__attrs_post_init__`` and no ``__init__`` of its own, and that every
    field is an ``__init__`` argument of its own name, with no validator and no
    converter. (No record here caches its hash.)
    """
    fields = attrs.fields(cls)
    plain = all(
        field.init
        and field.alias == field.name
        and field.validator is None
        and field.converter is None
        for field in fields
    )
    hooks = ("__attrs_pre_init__", "__attrs_post_init__", "__attrs_init__")
    slotted = any("__slots__" in vars(base) for base in cls.__mro__)
    if not plain or slotted or any(hasattr(cls, hook) for hook in hooks):
        raise TypeError(f"{cls.__qualname__} cannot be copied by dictionary")
    _by_dictionary.add(cls)
    _copiers.pop(cls, None)
    return cls


def _copier(cls: type) -> Copier:
    """The copier of ``cls`` (see the module's documentation)."""
    fields = [field for field in attrs.fields(cls) if field.init]
    names = frozenset(field.alias for field in fields)
    if cls in _by_dictionary:

        def copy(record: Any, /, **changes: Any) -> Any:
            if not changes.keys() <= names:
                return attrs.evolve(record, **changes)  # attrs' own error
            new: Any = object.__new__(cls)
            new.__dict__.update(record.__dict__, **changes)
            return new

        return copy
    if hasattr(cls, "__attrs_init__") or names & {"record", "cls", "SAME"}:
        # an ``__init__`` of the class's own, or a field named like the copier's own names
        return lambda record, /, **changes: attrs.evolve(record, **changes)
    # attrs puts the keyword-only arguments last; here they are passed by keyword
    fields.sort(key=lambda field: field.kw_only)
    parameters = ", ".join(f"{field.alias}=SAME" for field in fields)
    arguments = "".join(
        f"        {field.alias + '=' if field.kw_only else ''}"
        f"record.{field.name} if {field.alias} is SAME else {field.alias},\n"
        for field in fields
    )
    source = (
        f"def copy(record, /, *, {parameters}):\n    return cls(\n{arguments}    )\n"
        if fields
        else "def copy(record, /):\n    return cls()\n"
    )
    namespace: dict[str, Any] = {"cls": cls, "SAME": SAME}
    exec(compile(source, f"<evolve {cls.__qualname__}>", "exec"), namespace)
    copier: Copier = namespace["copy"]
    return copier


def _evolve(record: Any, /, **changes: Any) -> Any:
    cls = record.__class__
    try:
        copy = _copiers[cls]
    except KeyError:
        copy = _copiers[cls] = _copier(cls)
    return copy(record, **changes)


if TYPE_CHECKING:
    from attrs import evolve as evolve
else:
    evolve = _evolve
