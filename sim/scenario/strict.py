"""The strict base of every scenario and sweep file's tables, and its errors as one line each.

Both kinds of file are checked the same way, in the manner of scikit-learn: once, at the
boundary, every problem becoming one line that names the file, the field, the value and what was
expected. No unknown field, no NaN or infinity, and no ``true`` where a number is expected.
"""

from __future__ import annotations

import typing
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Share = Annotated[float, Field(ge=0.0, le=1.0)]
"""A share, probability or 0-1 disposition."""


class ScenarioError(Exception):
    """A scenario or sweep file that cannot be used, with one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def admits_true_false(annotation: Any) -> bool:
    """Whether a field's type takes ``true``/``false`` as such (a flag, or any value at all)."""
    if annotation is bool or annotation is Any:
        return True
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is dict:
        return admits_true_false(args[1])
    if typing.get_origin(annotation) is Annotated:
        return admits_true_false(args[0])
    return any(admits_true_false(arg) for arg in args)


class StrictModel(BaseModel):
    """The base of every table of a scenario or sweep file: no unknown field, no NaN, no inf.

    ``true`` and ``false`` are refused where a number is expected: pydantic's lax mode reads
    ``true`` as 1, and in a scenario or sweep file that is a typo, not a number.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_default=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_true_false_for_numbers(cls, value: Any, info: Any) -> Any:
        annotation = cls.model_fields[info.field_name].annotation
        if admits_true_false(annotation):
            return value
        if isinstance(value, bool):
            raise ValueError("expected a number, not true/false")
        # a table of numbers (deploy, terrain_defence); a section is checked by its own model
        table = typing.get_origin(annotation) is dict
        if table and isinstance(value, dict) and any(isinstance(v, bool) for v in value.values()):
            raise ValueError("expected numbers as values, not true/false")
        return value


def _format_loc(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if part not in ("function-after", "function-before"))


def validation_problems(
    exc: ValidationError, reference: str = "docs/SCENARIOS.md"
) -> list[tuple[str, str]]:
    """Turn pydantic's errors into ``(field, message)`` pairs, one a problem.

    Args:
        exc: the error pydantic raised.
        reference: the document that lists the fields, named when a field is unknown.

    """
    problems = []
    for err in exc.errors():
        loc = tuple(
            p
            for p in err["loc"]
            if not (isinstance(p, str) and ("[" in p or p.startswith("function")))
        )
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown field (misspelled? see {reference})"
        elif err["type"] == "missing":
            msg = "required field is missing"
        elif "input" in err and not isinstance(err["input"], dict | list):
            msg = f"{msg} (got {err['input']!r})"
        problems.append((_format_loc(loc) or "(top level)", msg))
    return problems
