"""The README's commands are the ones that work (sqlite-utils' test_docs idea)."""

import re
import shlex
import shutil

from typer.testing import CliRunner

from conftest import ROOT
from tr_nlp.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_exactly_the_two_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    assert README.index("```sh") < README.index("\n## ")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)
    makefile = (ROOT / "Makefile").read_text()
    assert "torch==2.13.0" in makefile
    assert re.search(r"^test: setup", makefile, re.M) and re.search(r"^demo: setup", makefile, re.M)


def test_readme_cli_examples_run(tmp_path, monkeypatch, demo_run):
    monkeypatch.chdir(ROOT)
    examples = re.findall(r"^\.venv/bin/tr-nlp (.+)$", README, re.M)
    assert len(examples) >= 4 and "demo -o out/demo" in examples
    runner = CliRunner()
    for example in examples:
        args = [a.replace("out/", f"{tmp_path}/") for a in shlex.split(example)]
        if example == "demo -o out/demo":  # the demo_run fixture ran this very command: its folder stands in
            shutil.copytree(demo_run, tmp_path / "demo")
            continue
        if any("shared/data" in a for a in args) and not (ROOT.parent / "shared" / "data").is_dir():
            continue
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (example, result.stderr)
