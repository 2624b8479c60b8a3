"""The wheel carries questions.yaml, rules/, the translations and the kiosk's pages, and finds them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import Wheel


@pytest.mark.slow
def test_installed_wheel_finds_its_knowledge_base(wheel: Wheel, tmp_path: Path) -> None:
    names = zipfile.ZipFile(wheel.path).namelist()
    assert "triage/_data/questions.yaml" in names
    assert "triage/_data/rules/nerves.yaml" in names
    for name in ("triage/_data/locales/es/LC_MESSAGES/triage.mo",
                 "triage/_data/locales/es/knowledge-base.yaml",
                 "triage/web/templates/result.html", "triage/web/static/kiosk.css"):
        assert name in names, name
    env = {**os.environ, "PYTHONPATH": str(wheel.site)}
    code = ("import sys, triage.paths, triage.__main__ as cli; "
            "print(triage.paths.default_questions()); sys.exit(cli.main(['check']))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert str(wheel.site / "triage" / "_data" / "questions.yaml") in proc.stdout
    assert "no problems" in proc.stdout
    spanish = subprocess.run([sys.executable, "-c", "import sys, triage.__main__ as cli; "
                              "sys.exit(cli.main(['--lang', 'es', 'check']))"],
                             cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert spanish.returncode == 0 and "ningún problema" in spanish.stdout, spanish.stdout + spanish.stderr
