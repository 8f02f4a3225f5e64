"""Problems, as `deal check` reports them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple


@dataclass(frozen=True)
class Diagnostic:
    """One problem: the fields of `deal check --diagnostic-format json`.

    `line` and `column` (from 1) are those of the problem's start in its
    file; both are None for a problem in a table, whose `message` names the
    row (counted from 1).
    """

    file: str
    severity: str
    code: str
    message: str
    label: Optional[str]
    help: Optional[str]
    line: Optional[int]
    column: Optional[int]
    end_line: Optional[int]
    end_column: Optional[int]
    #: The deal it belongs to, in a portfolio.
    deal: Optional[str] = None

    @classmethod
    def _from_json(cls, line: str, located: bool, deal: Optional[str]) -> "Diagnostic":
        fields = json.loads(line)
        span = fields["span"]
        return cls(
            file=fields["file"],
            severity=fields["severity"],
            code=fields["code"],
            message=fields["message"],
            label=fields.get("label"),
            help=fields.get("help"),
            line=span["line"] if located else None,
            column=span["column"] if located else None,
            end_line=span["end_line"] if located else None,
            end_column=span["end_column"] if located else None,
            deal=deal,
        )


def _diagnostics(json_lines: str, located: bool = True, deal: Optional[str] = None) -> "list[Diagnostic]":
    return [Diagnostic._from_json(line, located, deal) for line in json_lines.splitlines() if line.strip()]


class DealError(Exception):
    """An agreement or series that cannot be evaluated.

    `str(error)` reads as the CLI's report (the code, the message, the
    lines marked, the help); `diagnostics` holds each problem as a
    :class:`Diagnostic`.
    """

    diagnostics: "list[Diagnostic]"

    def __init__(self, message: str, diagnostics: "Sequence[Diagnostic]" = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)

    @classmethod
    def _from_parts(cls, parts: "Sequence[Tuple[str, str, bool, Optional[str]]]") -> "DealError":
        message = "".join(_named(human, deal) for human, _, _, deal in parts).rstrip("\n")
        diagnostics = [d for _, json_lines, located, deal in parts for d in _diagnostics(json_lines, located, deal)]
        return cls(message, diagnostics)


def _named(human: str, deal: Optional[str]) -> str:
    return f"deal {deal}:\n{human}" if deal is not None else human
