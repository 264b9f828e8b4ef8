"""A real OpenID provider on loopback: devtools/oidc/provider.mjs (the `oidc-provider`
package for Node.js), started for the tests that sign in through one.

Without Node.js these tests skip and say why; under CI=true they fail instead (as the
browser tests do without Chromium), so CI cannot pass by running none of them.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess  # nosec B404: runs the project's own provider script
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

PROVIDER_DIR = Path(__file__).resolve().parents[2] / "devtools" / "oidc"
CLIENT_ID = "conduct-tracker"
CLIENT_SECRET = "loopback-test-secret"  # nosec B105


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LoopbackProvider:
    def __init__(self, issuer: str, state_dir: Path):
        self.issuer = issuer
        self.state_dir = state_dir
        self.client_id = CLIENT_ID
        self.client_secret = CLIENT_SECRET

    def set_accounts(self, accounts: dict[str, dict]) -> None:
        """Who may sign in, by login name, and the claims the provider gives them."""
        (self.state_dir / "accounts.json").write_text(json.dumps(accounts))

    def set_mode(self, mode: str) -> None:
        """honest, tampered, wrong_audience or expired (devtools/oidc/provider.mjs)."""
        (self.state_dir / "mode.json").write_text(json.dumps({"mode": mode}))


def _install() -> None:
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm is not installed (apt-get install nodejs npm)")
    subprocess.run(  # nosec B603
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=PROVIDER_DIR,
        check=True,
        capture_output=True,
        timeout=300,
    )


@contextmanager
def loopback_provider(redirect_uris: list[str], state_dir: Path):
    node = shutil.which("node")
    if node is None:
        _unavailable("Node.js is not installed (apt-get install nodejs npm): it runs the provider")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        _install()
    port = _free_port()
    provider = LoopbackProvider(f"http://127.0.0.1:{port}", state_dir)
    provider.set_accounts({})
    provider.set_mode("honest")
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URIS": " ".join(redirect_uris),
        "OIDC_STATE_DIR": str(state_dir),
    }
    log = (state_dir / "provider.log").open("w")
    process = subprocess.Popen(  # nosec B603
        [node, "provider.mjs"], cwd=PROVIDER_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                discovery = f"{provider.issuer}/.well-known/openid-configuration"
                if requests.get(discovery, timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "the loopback OpenID provider did not start: "
                    + (state_dir / "provider.log").read_text()
                )
            time.sleep(0.1)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
