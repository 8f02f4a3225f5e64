"""Problems read as the CLI's: `check` lists what `deal check
--diagnostic-format json` lists, and `DealError` reads as `deal check`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

import pytest

import dealterms
from conftest import CORPUS, EXAMPLES, deal

FILES = sorted((CORPUS / "diagnostics").glob("*.deal"))


def cli_diagnostics(path: Path) -> List[dict]:
    done = deal("check", "--diagnostic-format", "json", str(path))
    return [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_check_lists_what_deal_check_lists(path: Path) -> None:
    ours = dealterms.check(path)
    theirs = cli_diagnostics(path)
    assert theirs, f"{path.name}: the CLI finds nothing"
    assert [d.code for d in ours] == [d["code"] for d in theirs]
    for mine, cli in zip(ours, theirs):
        assert mine.file == cli["file"]
        assert mine.severity == cli["severity"]
        assert mine.message == cli["message"]
        assert mine.label == cli["label"]
        assert mine.help == cli["help"]
        assert (mine.line, mine.column) == (cli["span"]["line"], cli["span"]["column"])
        assert (mine.end_line, mine.end_column) == (cli["span"]["end_line"], cli["span"]["end_column"])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_errors_read_as_deal_check(path: Path) -> None:
    done = deal("check", str(path))
    if done.returncode == 0:
        # Warnings only: the agreement compiles, and keeps them.
        assert dealterms.compile(path)
        return
    with pytest.raises(dealterms.DealError) as raised:
        dealterms.compile(path)
    assert str(raised.value) == done.stderr.rstrip("\n")
    assert raised.value.diagnostics == [d for d in dealterms.check(path)]


def test_text_is_named_agreement() -> None:
    problems = dealterms.check('agreement "x" {\n  currency USD\n  parties A, B\n  payer A\n  share 20% of revenue to C\n}\n')
    assert [(p.file, p.code, p.line, p.column) for p in problems] == [("<agreement>", "deal::check::unknown_party", 5, 27)]
    assert problems[0].help == "declare it in `parties`"


def test_clean_agreements_have_no_problems() -> None:
    for path in sorted(EXAMPLES.glob("*.deal")):
        assert dealterms.check(path) == [], path
        agreement = dealterms.compile(path)
        assert agreement.source_name == str(path)
        assert agreement.text == path.read_text()


def test_an_agreement_says_what_it_is() -> None:
    agreement = dealterms.compile(EXAMPLES / "openai-microsoft.deal")
    assert agreement.title == "OpenAI-Microsoft revenue share"
    assert agreement.currency == "USD"
    assert agreement.parties == ["OpenAI", "Microsoft"]
    assert agreement.clauses == ["revenue-share"]
    assert "OpenAI-Microsoft" in repr(agreement)
    # Compiled once, evaluated as often as wanted.
    assert dealterms.compile(agreement) is agreement


def test_not_utf8_is_a_diagnostic(tmp_path: Path) -> None:
    path = tmp_path / "latin1.deal"
    path.write_bytes('agreement "caf\xe9" {}\n'.encode("latin-1"))
    [problem] = dealterms.check(path)
    assert problem.code == "deal::read::not_utf8"
    assert problem.code == cli_diagnostics(path)[0]["code"]


def test_a_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        dealterms.check(tmp_path / "nowhere.deal")
