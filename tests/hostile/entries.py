"""Entry points of the hostile corpus: how a case of each kind reaches the app.

Every kind of :class:`tests.hostile.cases.Case` is run by an entry function registered here
with :func:`entry` (``kind`` up to the first ``:``). The corpus tests and
``benchmarks/bench_hostile.py`` call :func:`run_case`; a module ``*_cases.py`` that brings
new kinds registers their entry functions when it is imported.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import DataPackageError
from tests.hostile.cases import Case


@dataclass
class Context:
    """What entry functions may use.

    Attributes
    ----------
    package : geo.io.package.DataPackage
        The (synthetic) data package uploads are validated against.
    package_dir : pathlib.Path
        A directory with that package's files (copied, never changed, by package cases).
    tmp : pathlib.Path
        A scratch directory.
    """

    package: object
    package_dir: Path
    tmp: Path


@dataclass
class Outcome:
    """What happened to one input.

    Attributes
    ----------
    accepted : bool
        The input was accepted (valid data or a usable state).
    messages : list of str
        German messages of the rejection (empty when accepted).
    warnings : list of str
        German hints given while accepting.
    data : pandas.DataFrame or None
        The accepted data (uploads), for cases that check rows or values.
    """

    accepted: bool
    messages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    data: object = None


def as_expected(case: Case, outcome: Outcome) -> bool:
    """True if ``outcome`` is what ``case`` demands (outcome, message, rows, value)."""
    if outcome.accepted != case.accepted:
        return False
    if not case.accepted:
        return case.message in " | ".join(outcome.messages)
    if case.message and case.message not in " | ".join(outcome.warnings):
        return False
    data = outcome.data
    if case.rows is not None and (data is None or len(data) != case.rows):
        return False
    if case.value is not None:
        column, number = case.value
        if data is None or abs(float(data[column].iloc[0]) - number) > 1e-6 * max(1, abs(number)):
            return False
    return True


EntryFunction = Callable[[Case, "bytes | str", Context], Outcome]
ENTRIES: dict[str, EntryFunction] = {}


def entry(kind: str) -> Callable[[EntryFunction], EntryFunction]:
    """Register the entry function of a kind (``"facilities"``, ``"package"``, …)."""

    def register(func: EntryFunction) -> EntryFunction:
        ENTRIES[kind] = func
        return func

    return register


def run_case(case: Case, context: Context, content: bytes | str | None = None) -> Outcome:
    """Pass the case's input (built now unless given) through its entry point."""
    kind = case.kind.split(":", 1)[0]
    if kind not in ENTRIES:
        raise KeyError(f"no entry function for kind {case.kind!r}")
    return ENTRIES[kind](case, case.make() if content is None else content, context)


def _upload(case: Case, content: bytes | str, context: Context) -> Outcome:
    from geo.io.uploads import validate

    assert isinstance(content, bytes)
    result = validate(case.kind, case.filename, content, context.package)
    return Outcome(
        result.ok,
        [p.text() for p in result.errors],
        [p.text() for p in result.warnings],
        result.data,
    )


for _kind in ("facilities", "statistics", "areas"):
    entry(_kind)(_upload)


@entry("package")
def _package(case: Case, content: bytes | str, context: Context) -> Outcome:
    """Write the case's file into a copy of the package, load it (and its timetable)."""
    from geo.io.gtfs import read_feed
    from geo.io.package import load_package

    assert isinstance(content, bytes)
    root = context.tmp / f"paket-{case.name}"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(context.package_dir, root)
    target = root / case.kind.split(":", 1)[1]
    target.write_bytes(content)
    try:
        package = load_package(root)
        if package.gtfs_path is not None:
            read_feed(package.gtfs_path, package.stadtgrenze)
    except DataPackageError as error:
        return Outcome(False, [str(error)])
    return Outcome(True)
