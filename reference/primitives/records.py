"""``evolve``: a copy of a frozen record with some fields changed [CHAIN-5].

The state is made of frozen attrs records nested in one another, and every
transition rebuilds the records on the path from the state down to what
changed. :func:`evolve` is ``attrs.evolve`` with the same result, made
cheaper because it runs on every write. ``attrs.evolve`` walks the class's
field list on every call and calls the class by keyword; here each class gets
a copier, made once and called with the changes as one dictionary:

* for a *plain* slotted record (every field an ``__init__`` argument of its
  own name, no validator, no converter, no ``__init__`` hooks or ``__init__``
  of its own), a function written once as Python source that makes the new
  object and sets each slot, as the ``__init__`` attrs writes would, to the
  change or else the record's value::

      def copy(record, changes, /):
          new = new_record(cls)
          set_free(new, record.free)
          set_reserved(new, record.reserved)
          set_frozen(new, record.frozen)
          for name, value in changes.items():
              setters[name](new, value)
          return new

* for a wide record marked :func:`copied_by_dictionary` (the chain state,
  rebuilt on every write), a copy of its dictionary with the changes, which
  is what its ``__init__`` would store;

* for any other record, a function that calls the class with every field by
  position, so ``__init__`` and its validators, converters and hooks run as
  they did.

A name that is not a field goes to ``attrs.evolve``, which refuses it with its
own error. Type checkers see ``attrs.evolve`` itself, so the changes are
checked against the fields as before.
"""

from __future__ import annotations

from collections.abc import Callable
from types import MemberDescriptorType
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

R = TypeVar("R", bound=type)

Copier = Callable[..., Any]

_copiers: dict[type, Copier] = {}
_by_dictionary: set[type] = set()


def _is_plain(cls: type) -> bool:
    """Whether ``cls.__init__`` only stores its arguments, one per field, under their names."""
    plain = all(
        field.init
        and field.alias == field.name
        and field.validator is None
        and field.converter is None
        for field in attrs.fields(cls)
    )
    hooks = ("__attrs_pre_init__", "__attrs_post_init__", "__attrs_init__")
    cached_hash = any(
        "_attrs_cached_hash" in vars(base).get("__slots__", ()) for base in cls.__mro__
    )
    return plain and not cached_hash and not any(hasattr(cls, hook) for hook in hooks)


def _is_slotted(cls: type) -> bool:
    return any("__slots__" in vars(base) for base in cls.__mro__ if base is not object)


def copied_by_dictionary(cls: R) -> R:
    """Let :func:`evolve` copy this record's dictionary rather than call its ``__init__``.

    That gives the same record when ``__init__`` only stores its arguments, so
    this checks that the class has no slots, no ``__attrs_pre_init__`` or
    ``__attrs_post_init__`` and no ``__init__`` of its own, and that every
    field is an ``__init__`` argument of its own name, with no validator and no
    converter. (No record here caches its hash.)
    """
    if _is_slotted(cls) or not _is_plain(cls):
        raise TypeError(f"{cls.__qualname__} cannot be copied by dictionary")
    _by_dictionary.add(cls)
    _copiers.pop(cls, None)
    return cls


def _refused(record: Any, changes: dict[str, Any]) -> Any:
    """A name that is not a field: ``attrs.evolve`` raises its own error."""
    return attrs.evolve(record, **changes)


def _copier(cls: type) -> Copier:
    """The copier of ``cls`` (see the module's documentation)."""
    fields = [field for field in attrs.fields(cls) if field.init]
    names = frozenset(field.alias for field in fields)
    if cls in _by_dictionary:
        new_record = object.__new__
        set_dictionary = object.__setattr__

        def copy(record: Any, changes: dict[str, Any], /) -> Any:
            if not names.issuperset(changes):
                return _refused(record, changes)
            values = record.__dict__.copy()
            values.update(changes)
            new: Any = new_record(cls)
            set_dictionary(new, "__dict__", values)
            return new

        return copy
    slots = {field.name: getattr(cls, field.name, None) for field in fields}
    if (
        _is_slotted(cls)
        and _is_plain(cls)
        and all(isinstance(slot, MemberDescriptorType) for slot in slots.values())
    ):
        return _slot_copier(cls, slots)
    if hasattr(cls, "__attrs_init__"):  # an ``__init__`` of the class's own
        return lambda record, changes, /: attrs.evolve(record, **changes)
    # attrs puts the keyword-only arguments last; here they are passed by keyword
    fields.sort(key=lambda field: field.kw_only)
    arguments = "".join(
        f"        {field.alias + '=' if field.kw_only else ''}"
        f"get({field.alias!r}, record.{field.name}),\n"
        for field in fields
    )
    source = (
        "def copy(record, changes, /):\n"
        "    if not names.issuperset(changes):\n"
        "        return refused(record, changes)\n"
        "    get = changes.get\n"
        f"    return cls(\n{arguments}    )\n"
    )
    return _compiled(cls, source, {"names": names})


def _slot_copier(cls: type, slots: dict[str, Any]) -> Copier:
    """The copier of a plain slotted record: each slot set as its ``__init__`` sets it."""
    setters = {name: slot.__set__ for name, slot in slots.items()}
    source = (
        "def copy(record, changes, /):\n"
        "    new = new_record(cls)\n"
        + "".join(f"    set_{name}(new, record.{name})\n" for name in slots)
        + "    try:\n"
        "        for name, value in changes.items():\n"
        "            setters[name](new, value)\n"
        "    except KeyError:\n"
        "        return refused(record, changes)\n"
        "    return new\n"
    )
    namespace = {f"set_{name}": setter for name, setter in setters.items()}
    return _compiled(cls, source, {"setters": setters, "new_record": object.__new__, **namespace})


def _compiled(cls: type, source: str, namespace: dict[str, Any]) -> Copier:
    namespace = {"cls": cls, "refused": _refused, **namespace}
    exec(compile(source, f"<evolve {cls.__qualname__}>", "exec"), namespace)
    copier: Copier = namespace["copy"]
    return copier


def _evolve(record: Any, /, **changes: Any) -> Any:
    cls = record.__class__
    try:
        copy = _copiers[cls]
    except KeyError:
        copy = _copiers[cls] = _copier(cls)
    return copy(record, changes)


if TYPE_CHECKING:
    from attrs import evolve as evolve
else:
    evolve = _evolve
