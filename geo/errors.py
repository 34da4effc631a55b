"""The error raised for a missing or invalid data file."""

from __future__ import annotations


class DataPackageError(ValueError):
    """A data package file is missing or invalid.

    Parameters
    ----------
    file : str
        File name (relative to the package) the problem was found in.
    problem : str
        What is wrong (German).
    fix : str
        How to fix it (German).
    """

    def __init__(self, file: str, problem: str, fix: str) -> None:
        self.file = file
        self.problem = problem
        self.fix = fix
        super().__init__(f"{file}: {problem} Lösung: {fix}")
