"""`make serve` (scripts/workers.py): the proxy's configuration and the launcher's checks, without starting anything."""

import subprocess

import pytest

from scripts.workers import COOKIE, find_haproxy, haproxy_config, main, worker_ports

HAPROXY = find_haproxy()


def test_the_processes_take_the_ports_after_the_proxys():
    assert worker_ports(8501, 4) == [8502, 8503, 8504, 8505]
    assert worker_ports(9000, 1) == [9001]


def test_each_process_is_a_server_pinned_by_the_cookie():
    config = haproxy_config("127.0.0.1", 8501, 3)
    assert "bind 127.0.0.1:8501" in config
    servers = [line.split() for line in config.splitlines() if line.strip().startswith("server ")]
    assert [(s[1], s[2], s[4]) for s in servers] == [
        ("w1", "127.0.0.1:8502", "w1"), ("w2", "127.0.0.1:8503", "w2"), ("w3", "127.0.0.1:8504", "w3")]
    # Sticky by a cookie the proxy inserts (not by client address: a whole town hall shares one).
    assert f"cookie {COOKIE} insert indirect nocache httponly" in config
    assert "balance source" not in config
    # The WebSocket stays open while the tab is.
    assert "timeout tunnel 12h" in config
    assert "option httpchk GET /_stcore/health" in config


def test_an_ipv6_address_is_bracketed():
    assert "bind [::1]:8501" in haproxy_config("::1", 8501, 2)


@pytest.mark.skipif(HAPROXY is None, reason="HAProxy absent (apt-get install haproxy)")
def test_haproxy_accepts_the_configuration(tmp_path):
    path = tmp_path / "haproxy.cfg"
    path.write_text(haproxy_config("127.0.0.1", 18501, 4))
    checked = subprocess.run([HAPROXY, "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("arguments", [["--workers", "0"], ["--workers", "65"], ["--port", "80"],
                                       ["--port", "65535", "--workers", "2"]])
def test_bad_arguments_are_refused_in_french(arguments, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(arguments)
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert "processus" in error or "port" in error


def test_without_haproxy_the_launcher_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setattr("scripts.workers.find_haproxy", lambda: None)
    assert main(["--workers", "2"]) == 2
    assert "apt-get install haproxy" in capsys.readouterr().err
