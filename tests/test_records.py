"""core.records behaves as the dataclasses it replaces on the start-up path."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from crm_mail_gui.core.records import FrozenRecordError, asdict, field, record, replace


@record
class Point:
    x: int
    y: int = 0
    tags: dict[str, str] = field(default_factory=dict, compare=False)


@record
class Entry:
    id: str
    names: dict[str, str] = field(hash=False)
    where: Point | None = None


@dataclasses.dataclass(frozen=True)
class DataPoint:
    x: int
    y: int = 0
    tags: dict[str, str] = dataclasses.field(default_factory=dict, compare=False)


def test_init_positional_keyword_defaults_and_factory() -> None:
    a, b = Point(1), Point(x=1, y=2)
    assert (a.x, a.y, a.tags) == (1, 0, {})
    assert (b.x, b.y) == (1, 2)
    assert Point(1).tags is not Point(1).tags  # one dict per instance, as default_factory


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "missing argument 'x'"),
        ((1, 2, {}, 4), {}, "takes 3 arguments"),
        ((1,), {"x": 2}, "'x' twice"),
        ((1,), {"z": 2}, "unexpected arguments ['z']"),
    ],
)
def test_bad_calls_raise_type_error(args: tuple, kwargs: dict, message: str) -> None:
    with pytest.raises(TypeError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Point(*args, **kwargs)


def test_repr_eq_and_hash_match_dataclasses() -> None:
    ours, theirs = Point(1, 2, {"a": "b"}), DataPoint(1, 2, {"a": "b"})
    assert repr(ours).removeprefix("Point") == repr(theirs).removeprefix("DataPoint")
    assert Point(1, 2, {"a": "b"}) == Point(1, 2, {"other": "tags"})  # compare=False
    assert Point(1, 2) != Point(1, 3)
    assert Point(1) != DataPoint(1)  # another class is never equal
    assert hash(Point(1, 2, {"a": "b"})) == hash(Point(1, 2))  # tags neither compared nor hashed
    entry = Entry("gmail", {"en": "Gmail"})
    assert hash(entry) == hash(Entry("gmail", {"ja": "Gmail"}))  # hash=False: dicts are fine
    assert entry != Entry("gmail", {"ja": "Gmail"})  # but still compared


def test_frozen_and_mutable_records() -> None:
    point = Point(1)
    with pytest.raises(FrozenRecordError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del point.y

    @record(frozen=False)
    class Result:
        value: int
        note: str | None = None

    result = Result(1)
    result.note = "changed"
    assert result == Result(1, "changed")
    with pytest.raises(TypeError):
        hash(result)  # mutable and compared, as a non-frozen dataclass


def test_replace_and_asdict() -> None:
    entry = Entry("x", {"en": "X"}, Point(1, 2))
    moved = replace(entry, where=Point(3))
    assert moved.where == Point(3) and entry.where == Point(1, 2)
    assert asdict(moved) == {"id": "x", "names": {"en": "X"}, "where": {"x": 3, "y": 0, "tags": {}}}
    assert asdict(Point(1)) == dataclasses.asdict(DataPoint(1))
    with pytest.raises(TypeError, match="no fields"):
        replace(entry, nowhere=1)


def test_declaration_mistakes_are_refused() -> None:
    with pytest.raises(TypeError, match="default_factory"):

        @record
        class Shared:
            items: list[str] = []  # noqa: RUF012  (the mistake under test)

    with pytest.raises(TypeError, match="without defaults after defaults"):

        @record
        class Order:
            first: int = 0
            second: int


def test_the_window_path_does_not_import_dataclasses() -> None:
    """The reason for records: building dataclasses cost ~28 M instructions at every start."""
    code = (
        "import sys; import crm_mail_gui.cli, crm_mail_gui.core.presets,"
        " crm_mail_gui.core.oauth_providers, crm_mail_gui.ui.main_window;"
        " print('dataclasses' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
