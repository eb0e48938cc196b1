"""`piasite serve`: a real server on a free port; a saved file shows on the page, an error is shown
over the page, and only the changed assessment's pages are made again."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

EXAMPLE = ROOT / "templates" / "init" / "content" / "higashiyama" / "1.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode("utf-8")


def until(fn, seconds: float = 60):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            v = fn()
            if v:
                return v
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture()
def server(tmp_path):
    city = tmp_path / "city"
    subprocess.run(
        [sys.executable, "-m", "piasite", "init", str(city), "--name", "東山市"],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    (city / "node_modules").symlink_to(ROOT / "node_modules")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "piasite", "serve", "--port", str(port)],
        cwd=city,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        until(lambda: get(base + "__piasite__/status"), 120)
        yield city, base, lambda: stop(proc)
    finally:
        assert "Traceback" not in stop(proc)


def stop(proc) -> str:
    """Ctrl+C, then what the terminal showed."""
    if proc.returncode is None:
        proc.send_signal(signal.SIGINT)
        try:
            _, proc.err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, proc.err = proc.communicate()
    return proc.err


def status(base: str) -> dict:
    return json.loads(get(base + "__piasite__/status"))


def test_serve_rebuilds_on_save(server):
    city, base, terminal = server
    page = get(base + "higashiyama/1/")
    assert "東山データサービス株式会社" in page
    assert "__piasite__/status" in page and "piasitetitle" not in page and "piasite-body:" not in page
    assert "<script src=\"http" not in page  # the reload script is inline, from this server only
    assert "content/higashiyama/1.yaml" in page  # the staff build: where the file is (never on the public site)
    v0 = status(base)["version"]
    f = city / "content" / "higashiyama" / "1.yaml"
    f.write_text(
        f.read_text(encoding="utf-8").replace("東山データサービス株式会社", "東山入力センター株式会社"),
        encoding="utf-8",
    )
    until(lambda: "東山入力センター株式会社" in get(base + "higashiyama/1/"))
    s = status(base)
    assert s["version"] > v0 and s["problems"] == [] and "page" in s["seconds"] and "full" in s["seconds"]
    assert "東山入力センター株式会社" in get(base + "indexes/itakusaki/")  # the index follows
    # an error: the last good page stays, the message is shown
    f.write_text(f.read_text(encoding="utf-8").replace("評価書番号: 1", "評価書番号: [1"), encoding="utf-8")
    until(lambda: status(base)["problems"])
    assert "1.yaml" in status(base)["problems"][0]
    assert "東山入力センター株式会社" in get(base + "higashiyama/1/")
    # a new file: the whole preview again
    shutil.copy(EXAMPLE, city / "content" / "higashiyama" / "3.yaml")
    (city / "content" / "higashiyama" / "3.yaml").write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("評価書番号: 1", "評価書番号: 3"), encoding="utf-8"
    )
    until(lambda: "評価書番号" in get(base + "higashiyama/3/"))
    err = terminal()  # the terminal told each rebuild, and the error, as the page did
    assert "組み立て直しました" in err and "評価書に誤りがあります" in err and "1.yaml" in err, err


def test_serve_port_in_use_is_told_before_building(tmp_path):
    city = tmp_path / "city"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "piasite", "init", str(city)], check=True, capture_output=True, env=env)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        proc = subprocess.run(
            [sys.executable, "-m", "piasite", "serve", "--port", str(busy.getsockname()[1])],
            cwd=city,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 1 and "ポート" in proc.stderr and "--port" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (city / "build").exists() and not (city / ".cache" / "piasite" / "serve").exists()  # nothing built
