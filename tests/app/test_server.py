"""Starting the app reaches nothing off the machine: `make run` listens on localhost unless told
otherwise, never looks up the machine's external IP, and sends no usage statistics."""

from __future__ import annotations

import ipaddress
import shlex
import socket
import subprocess
import tomllib

import psutil
import pytest

from harness.browser import ROOT, AppServer, free_port

CONFIG = ROOT / ".streamlit" / "config.toml"
# What Streamlit logs when it looks up the external IP: the URL it found, or its failure to.
LOOKUP_LINES = ("External URL", "external IP")
EVERY_INTERFACE = "0.0.0.0"  # noqa: S104 (the point of the test: serving the network on purpose)


def make_run_command(*overrides: str) -> list[str]:
    """The command `make run` would run, with ``overrides`` such as ADDRESS=0.0.0.0."""
    dry_run = subprocess.run(["make", "-s", "-n", "run", *overrides], cwd=ROOT, capture_output=True, text=True, check=True)
    (line,) = [line for line in dry_run.stdout.splitlines() if " run app.py" in line]
    return shlex.split(line)


def listening_addresses(server: AppServer) -> set[str]:
    connections = psutil.Process(server.process.pid).net_connections(kind="inet")
    return {c.laddr.ip for c in connections if c.status == psutil.CONN_LISTEN and c.laddr.port == server.port}


def test_config_keeps_the_server_on_this_machine():
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["server"]["address"] == "localhost"
    assert config["server"]["headless"] is True  # no browser opened, no e-mail prompt (and its request)
    assert config["browser"]["gatherUsageStats"] is False
    # A named address is printed as the one URL: with it set, no external-IP lookup happens at start.
    assert config["browser"]["serverAddress"] == "localhost"


def test_make_run_passes_the_address_on():
    port = "18501"
    local = make_run_command(f"PORT={port}")
    assert local[-6:] == ["--server.address", "localhost", "--server.port", port, "--browser.serverAddress", "localhost"]
    network = make_run_command(f"ADDRESS={EVERY_INTERFACE}", f"PORT={port}")
    assert network[-6:] == ["--server.address", EVERY_INTERFACE, "--server.port", port, "--browser.serverAddress", socket.gethostname()]


@pytest.mark.slow
def test_make_run_listens_on_localhost_only_and_looks_nothing_up(tmp_path):
    port = free_port()
    server = AppServer(ROOT, tmp_path / "streamlit.log", command=make_run_command(f"PORT={port}"), port=port)
    try:
        addresses = listening_addresses(server)
    finally:
        server.stop()
    log = server.log.read_text()
    assert addresses and all(ipaddress.ip_address(a).is_loopback for a in addresses), addresses
    assert f"URL: http://localhost:{port}" in log, log
    assert not [line for line in log.splitlines() if any(text in line for text in LOOKUP_LINES)], log


@pytest.mark.slow
def test_make_run_on_the_network_prints_one_url_and_looks_nothing_up(tmp_path):
    port = free_port()
    server = AppServer(ROOT, tmp_path / "streamlit.log", command=make_run_command(f"ADDRESS={EVERY_INTERFACE}", f"PORT={port}"), port=port)
    try:
        addresses = listening_addresses(server)
    finally:
        server.stop()
    log = server.log.read_text()
    assert addresses == {EVERY_INTERFACE}, addresses
    assert f"URL: http://{socket.gethostname()}:{port}" in log, log
    assert not [line for line in log.splitlines() if any(text in line for text in LOOKUP_LINES)], log
