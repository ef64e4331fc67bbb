import subprocess
import sys

from stochcredit.apps.cli.main import main


def test_help_lists_commands(capsys):
    assert main(["--help"]) == 0
    assert "demo" in capsys.readouterr().out


def test_unknown_command_is_one_line_error_without_traceback():
    proc = subprocess.run([sys.executable, "-m", "stochcredit.apps.cli.main", "no-such-command"],
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
