"""The native module: the `deal` library, compiled (python/src/)."""

from typing import Any, Dict, List, Optional, Sequence, Tuple, Union, final

__all__ = ["Agreement", "ArrowStream", "check", "compile", "evaluate", "evaluate_portfolio", "VERSION"]

VERSION: str

@final
class Agreement:
    """A checked agreement, ready to evaluate as often as wanted."""

    @property
    def title(self) -> str: ...
    @property
    def source_name(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def currency(self) -> str: ...
    @property
    def parties(self) -> List[str]: ...
    @property
    def events(self) -> List[str]: ...
    @property
    def clauses(self) -> List[str]: ...
    @property
    def _warnings(self) -> Tuple[str, str]: ...

@final
class ArrowStream:
    """A table, read once through the Arrow C stream interface."""

    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...

_Tables = Tuple[ArrowStream, ArrowStream, ArrowStream, Dict[str, Any]]

def check(source: bytes, name: str) -> Tuple[str, str]: ...
def compile(source: bytes, name: str) -> Agreement: ...
def evaluate(
    agreement: Agreement, series: Any, events: Sequence[Tuple[str, str]], explain: bool
) -> _Tables: ...
def evaluate_portfolio(
    agreements: Sequence[Tuple[str, Union[Agreement, Tuple[str, bytes]]]],
    series: Any,
    events: Sequence[Tuple[str, str]],
    explain: bool,
    threads: Optional[int],
) -> _Tables: ...
