"""`jobatlas eval employers` on a small labelled file (names made up or common brands)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from jobatlas.cli.main import app, main


def test_eval_employers_scores_each_split_and_lists_misses(tmp_path: Path) -> None:
    labels = tmp_path / "pairs.csv"
    labels.write_text(
        "name_a,name_b,same,source,split,note\n"
        "The Home Depot,Home Depot,1,constructed,dev,leading The\n"
        "Amazon.com Services LLC,Amazon,1,constructed,dev,legal entity\n"
        "Capital One,Capital Group,0,constructed,dev,different firms\n"
        "Acme Widgets GmbH,Acme Widgets,1,constructed,blind,legal form\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["eval", "employers", str(labels), "--misses", "dev"])
    assert result.exit_code == 0, result.output
    assert "1.000 (2/2)" in result.output  # dev: both same pairs found, no false merge
    assert "false merge" not in result.output
    assert "distinct raw names" in result.output


def test_a_missing_pairs_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["eval", "employers", str(tmp_path / "nope.csv")])
    assert exit_info.value.code == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
