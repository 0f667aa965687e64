"""The frozen build from build.spec starts, passes --self-check, speaks Japanese and delivers a mail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from discovery_fixtures import *  # noqa: F403 (fixtures: dns, smtp_ports, named_certs)
from discovery_fixtures import LOCAL
from fakes.smtp_servers import AioSMTPServer, TestCerts

from crm_mail_gui.core.settings import build_settings
from crm_mail_gui.core.store import Store

pytestmark = [pytest.mark.packaging, pytest.mark.slow, pytest.mark.timeout(900)]
ROOT = Path(__file__).resolve().parents[1]
EXE = "crm-mail-gui.exe" if sys.platform == "win32" else "crm-mail-gui"


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build once with build.spec into a temp folder; return the executable."""
    pytest.importorskip("PyInstaller", reason="pyinstaller is part of the test extras")
    work = tmp_path_factory.mktemp("pyinstaller")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            "build.spec",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    exe = work / "dist" / "crm-mail-gui" / EXE
    assert exe.exists()
    return exe


def run_frozen(
    exe: Path, *args: str, tmp_path: Path, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    """Run the frozen app offscreen with an in-memory keyring and temp log folder."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "QT_"))}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="crm_mail_gui.core.credentials.MemoryKeyring",
        CRM_MAIL_GUI_LOG_DIR=str(tmp_path / "logs"),
        CRM_MAIL_GUI_CONFIG_DIR=str(tmp_path / "unused-config"),
        LANG="C.UTF-8",
    )
    env.update(extra_env)
    env = {key: value for key, value in env.items() if value}
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path
    )


def test_self_check_passes_with_nothing_on_stderr(frozen: Path, tmp_path: Path) -> None:
    result = run_frozen(frozen, "--self-check", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert "(frozen)" in result.stdout
    assert "[NG]" not in result.stdout
    for needle in (
        "Qt: 6.",
        "presets: 14 providers",
        "OAuth2 providers: google, microsoft, microsoft_consumer",
        "qtbase_ja.qm",
        "MemoryKeyring",
    ):
        assert needle in result.stdout


def test_japanese_translation_loads(frozen: Path, tmp_path: Path) -> None:
    result = run_frozen(frozen, "--lang", "ja", "--self-check", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "保存(&S)" in result.stdout
    listing = run_frozen(frozen, "--lang", "ja", "presets", tmp_path=tmp_path)
    assert "さくらのレンタルサーバ" in listing.stdout and listing.stderr == ""


def test_headless_test_delivers_over_tls(frozen: Path, tmp_path: Path, certs: TestCerts) -> None:
    config = tmp_path / "config"
    with AioSMTPServer(certs, mode="ssl") as server:
        settings = build_settings(
            {
                "server": f"ssl://127.0.0.1:{server.port}",
                "from": "crm@example.com",
                "to": "admin@example.com",
                "auth": False,
                "ca_file": certs.ca_file,
                "timeout": 5,
            }
        )
        Store(config).save(settings)
        result = run_frozen(frozen, "--config-dir", str(config), "test", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert len(server.messages) == 1
    received = server.messages[0]
    assert received.mail_from == "crm@example.com"
    assert received.rcpt_tos == ["admin@example.com"]
    assert "CRM" in str(received.message["Subject"])


def test_detection_works_in_the_frozen_build(frozen: Path, tmp_path: Path, dns, smtp_ports) -> None:
    """dnspython (its record types load dynamically), defusedxml and core.discovery are bundled."""
    dns(
        {
            "xs.example.jp": {"MX": [(10, "sv1234.xserver.jp")]},
            "sv1234.xserver.jp": {"A": LOCAL},
        }
    )
    result = run_frozen(
        frozen,
        "detect",
        "taro@xs.example.jp",
        "--json",
        "--no-ispdb",
        "--ca-file",
        smtp_ports.ca_file,
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["best"] == "ssl://sv1234.xserver.jp:465"


def test_window_opens_in_the_frozen_build(frozen: Path, tmp_path: Path) -> None:
    result = run_frozen(frozen, "--lang", "ja", tmp_path=tmp_path, CRM_MAIL_GUI_EXIT_WHEN_SHOWN="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("shown exposed cpu_ms=")
    assert result.stderr == ""


def test_portable_config_folder_beside_the_executable(
    frozen: Path, tmp_path: Path, certs: TestCerts
) -> None:
    portable = frozen.parent / "crm-mail-gui-config"
    portable.mkdir()
    try:
        export = tmp_path / "office.json"
        settings = build_settings(
            {
                "server": "tls://smtp.office365.com:587",
                "user": "a@example.com",
                "from": "a@example.com",
            }
        )
        Store(tmp_path / "source").export_to(settings, export)
        result = run_frozen(
            frozen, "import", str(export), tmp_path=tmp_path, CRM_MAIL_GUI_CONFIG_DIR=""
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert (portable / "settings.json").exists()
        assert "password" not in (portable / "settings.json").read_text(encoding="utf-8")
    finally:
        for child in portable.iterdir():
            child.unlink()
        portable.rmdir()


def test_every_python_package_is_listed_for_installation() -> None:
    """`pip install .` ships only the packages pyproject lists: a new sub-package must be listed."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    listed = set(
        tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(root).parts)
        for init in (root / "crm_mail_gui").rglob("__init__.py")
    }
    assert found - listed == set()
