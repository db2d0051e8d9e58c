"""The real interface: JupyterLab in headless Chromium runs a notebook, a slider moves, the picture
follows.

JupyterLab (from the venv) serves a temporary copy of the course on a free localhost port with
a random token; Chromium is driven through chromedriver's WebDriver REST protocol with plain
`urllib` (no selenium). The test opens `03_addressing.ipynb` (or, until that notebook exists, a
small notebook with an `Explorer` written here), runs every cell from the Run menu, presses an
arrow key on the explorer's first slider handle, and checks that the image bytes change.
A screenshot lands in the test's tmp_path.

Needs `chromium` and `chromedriver` (Debian: `apt-get install -y chromium chromium-driver`);
skipped with the reason when they are missing.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TARGET = "03_addressing.ipynb"
JUPYTER = Path(sys.executable).with_name("jupyter")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C WebDriver element reference key
ARROW_RIGHT, ARROW_LEFT = "\ue014", "\ue012"
RUN_TIMEOUT_S = 60  # the whole test stays under ~90 s on 2 cores

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER and JUPYTER.exists()),
    reason="needs chromium and chromedriver (apt-get install -y chromium chromium-driver) "
    "and jupyter in the environment",
)

DEMO_EXPLORER = """\
import numpy as np
import ipywidgets as widgets
from ntm_edu.viz.base import heatmap, new_figure
from ntm_edu.widgets import Explorer


def render(shift):
    figure = new_figure(4, 2)
    heatmap(figure.add_subplot(), np.roll(np.eye(8), shift, axis=1), title=f"shift {shift}")
    return figure


Explorer(render, {"shift": widgets.IntSlider(0, 0, 7, description="shift")}, title="Demo")
"""


# --- small helpers ---------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(what: str, predicate, timeout: float, interval: float = 0.25) -> Any:
    """Poll `predicate` until it returns something truthy; fail with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
        except (OSError, RuntimeError) as error:  # not up yet / element not there yet
            last_error, result = error, None
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} ({last_error})")


def _http(method: str, url: str, body: Any = None, timeout: float = 30) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read()
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{method} {url}: {error.code} {error.read()[:300]!r}") from error
    return json.loads(payload) if payload else None


def _stop(process: subprocess.Popen | None) -> None:
    """End a process group this test started (SIGTERM, then SIGKILL)."""
    if process is None or process.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(grace)
            return
        except subprocess.TimeoutExpired:
            continue


class WebDriver:
    """The handful of W3C WebDriver commands this test needs, over plain HTTP."""

    def __init__(self, port: int, chromium: str, profile: Path):
        self.base = f"http://127.0.0.1:{port}"
        args = [
            "--headless",
            "--no-sandbox",  # root in containers/CI
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--window-size=1400,1000",
        ]
        capabilities = {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
        }
        reply = _http(
            "POST", f"{self.base}/session", {"capabilities": {"alwaysMatch": capabilities}}, 60
        )
        self.session = f"{self.base}/session/{reply['value']['sessionId']}"

    def command(self, method: str, path: str, body: Any = None) -> Any:
        return _http(method, f"{self.session}{path}", body)["value"]

    def open(self, url: str) -> None:
        self.command("POST", "/url", {"url": url})

    def find(self, css: str) -> str:
        return self.command("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def click(self, css: str) -> None:
        self.command("POST", f"/element/{self.find(css)}/click", {})

    def keys(self, css: str, text: str) -> None:
        self.command("POST", f"/element/{self.find(css)}/value", {"text": text})

    def script(self, source: str, *args: Any) -> Any:
        return self.command("POST", "/execute/sync", {"script": source, "args": list(args)})

    def async_script(self, source: str, *args: Any) -> Any:
        return self.command("POST", "/execute/async", {"script": source, "args": list(args)})

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self.command("GET", "/screenshot")))

    def quit(self) -> None:
        try:
            _http("DELETE", self.session, timeout=15)
        except (OSError, RuntimeError):
            pass


# --- the course, served ------------------------------------------------------------------------
def _course_copy(folder: Path) -> str:
    """Copy the notebooks to `folder` and name the one to open (a demo until 03 exists)."""
    if (NOTEBOOKS / TARGET).exists():
        shutil.copytree(
            NOTEBOOKS,
            folder,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints"),
            dirs_exist_ok=True,
        )
        return TARGET
    folder.mkdir(parents=True, exist_ok=True)
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Browser test: an explorer"),
            new_code_cell("import ntm_edu\n\nntm_edu.setup_notebook(seed=0)"),
            new_code_cell(DEMO_EXPLORER),
        ]
    )
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, folder / "explorer_demo.ipynb")
    return "explorer_demo.ipynb"


def _lab_settings(folder: Path) -> None:
    """Settings that make the page testable: every cell in the DOM, no news pop-ups."""
    for name, values in {
        "@jupyterlab/notebook-extension/tracker": {
            "windowingMode": "none",
            "autoStartDefaultKernel": True,  # no "Select Kernel" dialog
        },
        "@jupyterlab/apputils-extension/notification": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }.items():
        path = folder / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on a free port with a token, serving a copy of the course."""
    root = tmp_path / "course"
    notebook = _course_copy(root)
    _lab_settings(tmp_path / "lab-settings")
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "NTM_EDU_THREADS": "1",
    }
    log = (tmp_path / "jupyterlab.log").open("w")
    command = [
        str(JUPYTER), "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False",
        f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
    ]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(
            "JupyterLab to answer",
            lambda: _http("GET", f"{base}/api/status?token={token}", timeout=5),
            45,
        )
        yield f"{base}/lab/tree/{notebook}?token={token}", notebook
    finally:
        try:  # a clean shutdown also stops the kernels the server started
            _http("POST", f"{base}/api/shutdown?token={token}", timeout=5)
            server.wait(10)
        except (OSError, RuntimeError, subprocess.TimeoutExpired):
            pass
        _stop(server)
        log.close()


@pytest.fixture
def browser(tmp_path):
    port = _free_port()
    driver_log = (tmp_path / "chromedriver.log").open("w")
    process = subprocess.Popen(
        [CHROMEDRIVER, f"--port={port}"],
        stdout=driver_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    driver = None
    try:
        _wait(
            "chromedriver",
            lambda: _http("GET", f"http://127.0.0.1:{port}/status", timeout=5)["value"]["ready"],
            20,
        )
        driver = WebDriver(port, CHROMIUM, tmp_path / "chromium-profile")
        yield driver
    finally:
        if driver is not None:
            driver.quit()
        _stop(process)
        driver_log.close()


# --- the page ----------------------------------------------------------------------------------
MARK_EXPLORER = """
const images = [...document.querySelectorAll('.jp-OutputArea-output .widget-image')];
for (const image of images) {
  const handle = image.parentElement.querySelector('.noUi-handle');
  if (handle) {
    image.setAttribute('data-ntm-test', 'image');
    handle.setAttribute('data-ntm-test', 'handle');
    handle.scrollIntoView({block: 'center'});
    return {value: handle.getAttribute('aria-valuenow'),
            max: handle.getAttribute('aria-valuemax')};
  }
}
return null;
"""

RUN_STATE = """
const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
  .map(p => p.textContent.trim());
const errors = document.querySelectorAll('.jp-OutputArea-output[data-mime-type*="error"]').length;
const missing = [...document.querySelectorAll('.jp-OutputArea-output')]
  .filter(o => o.textContent.includes('model not found')).length;
return {prompts: prompts, errors: errors, missing_models: missing};
"""

KERNEL_IDLE = """
const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator');
return indicator !== null && indicator.getAttribute('data-status') === 'idle';
"""

HANDLE = "document.querySelector('[data-ntm-test=handle]')"

IMAGE_DIGEST = """
const done = arguments[arguments.length - 1];
const image = document.querySelector('[data-ntm-test=image]');
fetch(image.src).then(r => r.arrayBuffer()).then(buffer => {
  const bytes = new Uint8Array(buffer);
  let hash = 0;
  for (let i = 0; i < bytes.length; i++) hash = (hash * 31 + bytes[i]) | 0;
  done(bytes.length + ':' + hash);
}).catch(error => done('error: ' + error));
"""


def _all_cells_ran(driver: WebDriver) -> bool:
    state = driver.script(RUN_STATE)
    if state["missing_models"]:
        raise AssertionError("JupyterLab shows 'Error displaying widget: model not found'")
    if state["errors"]:
        raise AssertionError(f"a cell raised an error; prompts {state['prompts']}")
    prompts = state["prompts"]
    return bool(prompts) and all(re.fullmatch(r"\[\d+\]:?", p) for p in prompts)  # not [*]


RUN_ALL = (  # the Run menu's item; Lab 4 names it runmenu:run-all, older releases differently
    "li.lm-Menu-item[data-command='runmenu:run-all'],"
    "li.lm-Menu-item[data-command='notebook:run-all-cells']"
)


def _wait_stable_idle(driver: WebDriver, settle_s: float = 3.0, timeout: float = 45) -> None:
    """Wait until the kernel has been idle for `settle_s` seconds.

    JupyterLab reconnects to a fresh kernel once at start-up; the widget manager registers
    with the final connection, and a widget displayed before that shows "model not found".
    """
    deadline = time.monotonic() + timeout
    idle_since = None
    while time.monotonic() < deadline:
        if driver.script(KERNEL_IDLE):
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= settle_s:
                return
        else:
            idle_since = None
        time.sleep(0.25)
    raise AssertionError(f"the kernel did not settle to idle within {timeout} s")


def _dismiss_dialogs(driver: WebDriver) -> None:
    """Accept any modal dialog (e.g. a kernel chooser) that would swallow the clicks."""
    driver.script(
        "document.querySelectorAll('.jp-Dialog .jp-Dialog-button.jp-mod-accept')"
        ".forEach(button => button.click());"
    )


def _started(driver: WebDriver) -> bool:
    return any(p != "[ ]:" for p in driver.script(RUN_STATE)["prompts"])


def _run_all(driver: WebDriver) -> None:
    """Run > Run All Cells, clicked like a user would (retried: a click that lands while the
    menu is still opening is ignored by Lumino)."""
    for _attempt in range(3):
        _dismiss_dialogs(driver)
        driver.script(
            "[...document.querySelectorAll('.lm-MenuBar-item')]"
            ".find(item => item.textContent.trim() === 'Run')"
            ".setAttribute('data-ntm-test', 'run-menu');"
        )
        driver.click("[data-ntm-test=run-menu]")
        _wait("the Run menu", lambda: driver.find(RUN_ALL), 10)
        time.sleep(0.5)
        driver.click(RUN_ALL)
        try:
            _wait("the cells to start running", lambda: _started(driver), 5)
            return
        except AssertionError:
            continue
    raise AssertionError("Run > Run All Cells did not start the notebook")


def test_explorer_slider_redraws_the_picture_in_jupyterlab(lab, browser, tmp_path):
    url, notebook = lab
    start = time.monotonic()
    try:
        browser.open(url)
        _wait("the notebook to open", lambda: browser.find(".jp-NotebookPanel .jp-Cell"), 45)
        _wait_stable_idle(browser)
        _run_all(browser)
        _wait(
            f"every cell of {notebook} to run", lambda: _all_cells_ran(browser), RUN_TIMEOUT_S, 0.5
        )
        slider = _wait("an explorer with a slider", lambda: browser.script(MARK_EXPLORER), 15)
        before = _wait("the explorer's image", lambda: browser.async_script(IMAGE_DIGEST), 10)
        assert not before.startswith("error"), before
        at_max = slider["value"] is not None and slider["value"] == slider["max"]
        browser.keys("[data-ntm-test=handle]", ARROW_LEFT if at_max else ARROW_RIGHT)
        after = _wait(
            "the image to change after the slider moved",
            lambda: (digest := browser.async_script(IMAGE_DIGEST)) != before and digest,
            15,
        )
        assert not after.startswith("error"), after
        moved = browser.script(f"return {HANDLE}.getAttribute('aria-valuenow');")
        assert moved != slider["value"], "the handle did not move"
    finally:  # the picture of the page, also (especially) when something failed
        browser.screenshot(tmp_path / "explorer.png")
    assert (tmp_path / "explorer.png").read_bytes().startswith(b"\x89PNG")
    seconds = time.monotonic() - start
    print(f"{notebook}: slider moved {slider['value']} -> {moved}, image redrawn ({seconds:.0f} s)")
