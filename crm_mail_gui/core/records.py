"""Immutable records for the types loaded at start-up: dataclass behaviour without its cost.

`dataclasses` compiles source code for every method of every class (about 4 million
instructions for a small frozen class under valgrind, ~1 ms here); the seven record types on
the way to the first window cost more than the rest of our modules' code together. `record`
builds the same behaviour from shared functions instead: keyword or positional `__init__`
with defaults and `field(default_factory=…)`, `__repr__`, `__eq__` and `__hash__` over the
compared fields, and frozen instances. `replace` and `asdict` work as their dataclasses
namesakes. Type checkers read `record` as a dataclass (PEP 681).

Kept on purpose (issue 12's review): reverting to dataclasses costs +37 M instructions on a first
run and +30 M with stored settings (`benchmarks/bench_startup.py --instructions`); records are for
the start-up path only, and `tests/test_records.py` checks that the window's path imports no
`dataclasses` and that records behave as dataclasses do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")
_MISSING: Any = object()


class FrozenRecordError(AttributeError):
    """A field of a frozen record was assigned or deleted."""


class Field:
    """How one field behaves: its default (or factory) and whether __eq__/__hash__ use it."""

    __slots__ = ("compare", "default", "default_factory", "hash", "name")

    def __init__(
        self,
        default: Any = _MISSING,
        default_factory: Callable[[], Any] | None = None,
        compare: bool = True,
        hash: bool | None = None,
    ) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.hash = compare if hash is None else hash


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | None = None,
    compare: bool = True,
    hash: bool | None = None,
) -> Any:
    """A field with options, as dataclasses.field (default, default_factory, compare, hash)."""
    return Field(default, default_factory, compare, hash)


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    fields: tuple[Field, ...] = type(self).__record_fields__
    if len(args) > len(fields):
        raise TypeError(f"{type(self).__name__}() takes {len(fields)} arguments, got {len(args)}")
    unknown = kwargs.keys() - {f.name for f in fields}
    if unknown:
        raise TypeError(f"{type(self).__name__}() got unexpected arguments {sorted(unknown)}")
    for position, spec in enumerate(fields):
        if position < len(args):
            if spec.name in kwargs:
                raise TypeError(f"{type(self).__name__}() got {spec.name!r} twice")
            value = args[position]
        elif spec.name in kwargs:
            value = kwargs[spec.name]
        elif spec.default_factory is not None:
            value = spec.default_factory()
        elif spec.default is not _MISSING:
            value = spec.default
        else:
            raise TypeError(f"{type(self).__name__}() missing argument {spec.name!r}")
        object.__setattr__(self, spec.name, value)


def _repr(self: Any) -> str:
    values = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in self.__record_fields__)
    return f"{type(self).__qualname__}({values})"


def _compared(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, f.name) for f in self.__record_fields__ if f.compare)


def _eq(self: Any, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _compared(self) == _compared(other)


def _hash(self: Any) -> int:
    return hash(tuple(getattr(self, f.name) for f in self.__record_fields__ if f.hash))


def _frozen_setattr(self: Any, name: str, value: object) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r} of a frozen record")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenRecordError(f"cannot delete field {name!r} of a frozen record")


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def record(cls: type[T] | None = None, *, frozen: bool = True) -> Any:
    """Make `cls` a record: its annotated class attributes are the fields, in order."""

    def build(cls: type[T]) -> type[T]:
        fields: list[Field] = []
        for name in cls.__annotations__:  # its own only (Python ≥ 3.10); `inspect` costs ~5 ms
            value = cls.__dict__.get(name, _MISSING)
            spec = value if isinstance(value, Field) else Field(default=value)
            if isinstance(spec.default, list | dict | set):
                raise TypeError(f"{name}: a mutable default needs field(default_factory=…)")
            spec.name = name
            fields.append(spec)
            if isinstance(value, Field):
                if spec.default is _MISSING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, spec.default)
        required_after_default = [
            f.name
            for i, f in enumerate(fields)
            if f.default is _MISSING
            and f.default_factory is None
            and any(g.default is not _MISSING or g.default_factory for g in fields[:i])
        ]
        if required_after_default:
            raise TypeError(f"{cls.__name__}: fields without defaults after defaults")
        cls.__record_fields__ = tuple(fields)  # type: ignore[attr-defined]
        cls.__init__ = _init  # type: ignore[misc]
        cls.__repr__ = _repr  # type: ignore[assignment,method-assign]
        cls.__eq__ = _eq  # type: ignore[assignment,method-assign]
        if frozen:
            cls.__hash__ = _hash  # type: ignore[assignment,method-assign]
            cls.__setattr__ = _frozen_setattr  # type: ignore[assignment,method-assign]
            cls.__delattr__ = _frozen_delattr  # type: ignore[assignment,method-assign]
        else:
            cls.__hash__ = None  # type: ignore[assignment]  # mutable and compared: unhashable
        return cls

    return build if cls is None else build(cls)


def replace(obj: T, **changes: Any) -> T:
    """A copy of the record `obj` with some fields changed (as dataclasses.replace)."""
    values = {f.name: getattr(obj, f.name) for f in obj.__record_fields__}  # type: ignore[attr-defined]
    unknown = changes.keys() - values.keys()
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no fields {sorted(unknown)}")
    return type(obj)(**{**values, **changes})


def asdict(obj: Any) -> Any:
    """The record as a dict, nested records, lists, tuples and dicts converted too."""
    if hasattr(type(obj), "__record_fields__"):
        return {f.name: asdict(getattr(obj, f.name)) for f in obj.__record_fields__}
    if isinstance(obj, list | tuple):
        return type(obj)(asdict(item) for item in obj)
    if isinstance(obj, dict):
        return {asdict(key): asdict(value) for key, value in obj.items()}
    return obj
