"""The wheel carries questions.yaml and rules/, and finds them once installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("uv") is None, reason="building the wheel needs uv")
def test_installed_wheel_finds_its_knowledge_base(tmp_path: Path) -> None:
    subprocess.run(["uv", "build", "--wheel", "--out-dir", str(tmp_path / "dist"), "--quiet"],
                   cwd=ROOT, check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "triage/_data/questions.yaml" in names
    assert "triage/_data/rules/nerves.yaml" in names
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)  # a wheel is a zip laid out as site-packages
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = ("import sys, triage.paths, triage.__main__ as cli; "
            "print(triage.paths.default_questions()); sys.exit(cli.main(['check']))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert str(target / "triage" / "_data" / "questions.yaml") in proc.stdout
    assert "no problems" in proc.stdout
