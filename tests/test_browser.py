"""The real interface: JupyterLab in headless Chromium opens the student copies the way `make lab`
does (a workspace prepared from student/), a student sees no solution and a picture for each
explorer before running anything, Run All works, and the explorers follow the hand.

JupyterLab (from the venv) serves a temporary workspace on a free localhost port with a random
token; Chromium is driven through chromedriver's WebDriver REST protocol with plain `urllib`
(no selenium). For notebooks 03, 05 and 09 the test runs every cell from the Run menu, then
presses an arrow key on each explorer's first slider handle 10 times and measures, in the
page, the time from the key press to the new picture (the image's `load` event, then the next
animation frame). It prints the medians and holds them to the design's 150 ms budget, scaled
for a loaded shared machine (`BUDGET_MS`, `_allowed_ms`). Screenshots land in the test's
tmp_path. CPU heavy (three notebooks, ~3 minutes on 2 cores): run it alone.

Needs `chromium` and `chromedriver` (Debian: `apt-get install -y chromium chromium-driver`, or
`make browser`); skipped with the reason when they are missing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import nbformat
import pytest

from ntm_edu.student import prepare_workspace

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
STUDENT = ROOT / "student"
MEASURED = ("03_addressing", "05_training_copy", "09_dynamic_ngrams")
MOVES = 10
BUDGET_MS = 150  # the design's budget: from a move to the new picture, median of 10 moves
JUPYTER = Path(sys.executable).with_name("jupyter")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C WebDriver element reference key
ARROW_RIGHT, ARROW_LEFT = "\ue014", "\ue012"
RUN_TIMEOUT_S = 240  # Run All of notebook 09 takes ~25 s on a quiet 2-core machine

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER and JUPYTER.exists()),
    reason="needs chromium and chromedriver (apt-get install -y chromium chromium-driver) "
    "and jupyter in the environment",
)


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


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a free port with a token, serving a workspace as `make lab` does."""
    tmp_path = tmp_path_factory.mktemp("lab")
    root = tmp_path / "workspace"
    prepare_workspace(root, STUDENT)
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
        yield base, token
    finally:
        try:  # a clean shutdown also stops the kernels the server started
            _http("POST", f"{base}/api/shutdown?token={token}", timeout=5)
            server.wait(10)
        except (OSError, RuntimeError, subprocess.TimeoutExpired):
            pass
        _stop(server)
        log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("browser")
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
PANEL = """
const panel = [...document.querySelectorAll('.jp-NotebookPanel')]
  .find(p => !p.classList.contains('lm-mod-hidden'));
"""

MARK_EXPLORERS = (
    PANEL
    + """
const marked = [];
const images = [...panel.querySelectorAll('.jp-OutputArea-output .widget-image')];
for (const image of images) {
  // An explorer's first slider handle, or else its first dropdown (e.g. a context picker).
  const handle = image.parentElement.querySelector('.noUi-handle')
    || image.parentElement.querySelector('select');
  if (!handle) continue;
  const index = marked.length;
  const select = handle.tagName === 'SELECT';
  image.setAttribute('data-ntm-test', 'image-' + index);
  handle.setAttribute('data-ntm-test', 'handle-' + index);
  const title = image.parentElement.querySelector('b');
  marked.push({value: select ? handle.selectedIndex : +handle.getAttribute('aria-valuenow'),
               min: select ? 0 : +handle.getAttribute('aria-valuemin'),
               max: select ? handle.options.length - 1 : +handle.getAttribute('aria-valuemax'),
               kind: select ? 'dropdown' : 'slider',
               title: title ? title.textContent : '?'});
}
return marked;
"""
)

# Time a move in the page: from the key press on the handle to the next animation frame after
# the explorer's image has loaded its new picture.
INSTALL_TIMER = """
const i = arguments[0];
const image = document.querySelector('[data-ntm-test=image-' + i + ']');
const handle = document.querySelector('[data-ntm-test=handle-' + i + ']');
handle.scrollIntoView({block: 'center'});
window.__ntmTimes = [];
if (!image.__ntmTimed) {
  image.__ntmTimed = true;
  handle.addEventListener('keydown', () => { window.__ntmStart = performance.now(); });
  image.addEventListener('load', () => {
    const start = window.__ntmStart;
    if (start == null) return;
    window.__ntmStart = null;
    requestAnimationFrame(() => window.__ntmTimes.push(performance.now() - start));
  });
}
return true;
"""

SELECT_STEP = """
const select = document.querySelector('[data-ntm-test=handle-' + arguments[0] + ']');
window.__ntmStart = performance.now();
select.selectedIndex += arguments[1];
select.dispatchEvent(new Event('change', {bubbles: true}));
"""

RUN_STATE = (
    PANEL
    + """
const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
  .map(p => p.textContent.trim());
const errors = panel.querySelectorAll('.jp-OutputArea-output[data-mime-type*="error"]').length;
const missing = [...panel.querySelectorAll('.jp-OutputArea-output')]
  .filter(o => o.textContent.includes('model not found')).length;
return {prompts: prompts, errors: errors, missing_models: missing};
"""
)

STUDENT_VIEW = (
    PANEL
    + """
const code = [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-editor')]
  .map(e => e.textContent).join('\\n');
const details = [...panel.querySelectorAll('.jp-MarkdownCell details')];
const pictures = [...panel.querySelectorAll('.jp-OutputArea-output .ntm-edu-fallback img')];
const outputs = [...panel.querySelectorAll('.jp-OutputArea-output')].map(o => o.textContent);
return {code: code, details: details.length, open: details.filter(d => d.open).length,
        summaries: details.map(d => d.querySelector('summary').textContent),
        pictures: pictures.length,
        loaded: pictures.filter(i => i.complete && i.naturalWidth > 0).length,
        pass: outputs.filter(t => t.includes('[PASS]')).length};
"""
)

KERNEL_IDLE = """
const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator');
return indicator !== null && indicator.getAttribute('data-status') === 'idle';
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


def _solution_lines(stem: str) -> list[str]:
    """Distinctive lines of the authored notebook's reference solutions."""
    notebook = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    tags = [set(c.metadata.get("tags", [])) for c in notebook.cells]
    exercise = {
        line.strip()
        for c, t in zip(notebook.cells, tags, strict=True)
        if "exercise" in t
        for line in c.source.splitlines()
    }
    return [
        line.strip()
        for c, t in zip(notebook.cells, tags, strict=True)
        if "solution" in t
        for line in c.source.splitlines()
        if len(line.strip()) > 12
        and line.strip() not in exercise
        and not line.lstrip().startswith("#")
    ]


def _tracked_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted([*NOTEBOOKS.glob("*.ipynb"), *NOTEBOOKS.glob("*.py"), *STUDENT.glob("*")]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _allowed_ms() -> float:
    """The budget, scaled for a shared machine: x1.5 for a browser, kernel and server competing
    for 2 cores, times the load per core above 1 (other jobs running)."""
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    return BUDGET_MS * 1.5 * max(1.0, load)


def _measure_moves(driver: WebDriver, index: int, slider: dict[str, Any]) -> list[float]:
    """Press an arrow key MOVES times on explorer `index`'s slider (right, and back left from
    the end of the range); the times in ms from each key press to the new picture."""
    handle = f"[data-ntm-test=handle-{index}]"
    element = f"document.querySelector('{handle}')"
    position = (
        f"return {element}.tagName === 'SELECT' ? {element}.selectedIndex"
        f" : {element}.getAttribute('aria-valuenow');"
    )
    right = slider["value"] < slider["max"]
    times = []
    for _ in range(MOVES):
        now = float(driver.script(position))
        if right and now >= slider["max"]:
            right = False
        elif not right and now <= slider["min"]:
            right = True
        driver.script(INSTALL_TIMER, index)
        if slider["kind"] == "dropdown":  # pick the next option, as a click in the list does
            driver.script(SELECT_STEP, index, 1 if right else -1)
        else:
            driver.keys(handle, ARROW_RIGHT if right else ARROW_LEFT)
        try:
            elapsed = _wait(
                "the new picture",
                lambda: (t := driver.script("return window.__ntmTimes;")) and t[0],
                5,
                0.05,
            )
        except AssertionError:
            continue  # identical neighbouring frames: the picture did not change
        times.append(float(elapsed))
        time.sleep(0.3)  # let the kernel go idle: one move at a time
    return times


def _shutdown_kernels(base: str, token: str) -> None:
    for kernel in _http("GET", f"{base}/api/kernels?token={token}") or []:
        try:
            _http("DELETE", f"{base}/api/kernels/{kernel['id']}?token={token}")
        except RuntimeError:
            pass


@pytest.mark.parametrize("stem", MEASURED)
def test_student_view_and_explorers_follow_the_hand(lab, browser, tmp_path, stem):
    base, token = lab
    before = _tracked_digest()
    start = time.monotonic()
    try:
        browser.open(f"{base}/lab/tree/{stem}.ipynb?reset&token={token}")
        _wait("the notebook to open", lambda: browser.find(".jp-NotebookPanel .jp-Cell"), 60)
        _wait_stable_idle(browser)
        # Before anything runs: no solution in any code cell, each folded, explorer pictures.
        view = _wait(
            "the explorers' static pictures",
            lambda: (v := browser.script(STUDENT_VIEW))["loaded"] and v,
            20,
        )
        leaks = [line for line in _solution_lines(stem) if line in view["code"]]
        assert not leaks, f"{stem}: code cells show solution lines {leaks[:3]}"
        assert view["details"] >= 1 and view["open"] == 0, "solutions are folded, closed"
        assert all("Show the solution" in summary for summary in view["summaries"])
        assert view["loaded"] == view["pictures"] >= 1, "an explorer shows no picture"
        _run_all(browser)
        _wait(f"every cell of {stem} to run", lambda: _all_cells_ran(browser), RUN_TIMEOUT_S, 0.5)
        assert browser.script(STUDENT_VIEW)["pass"] == 0, "a check passed on the stubs"
        sliders = _wait("explorers with controls", lambda: browser.script(MARK_EXPLORERS), 20)
        allowed = _allowed_ms()
        for index, slider in enumerate(sliders):
            times = _measure_moves(browser, index, slider)
            assert len(times) >= MOVES - 3, f"{slider['title']}: only {len(times)} moves redrew"
            median = statistics.median(times)
            print(
                f"{stem} | {slider['title']} ({slider['kind']}) | median {median:.0f} ms "
                f"(min {min(times):.0f}, max {max(times):.0f}, {len(times)} moves; "
                f"allowed {allowed:.0f} ms)"
            )
            assert median <= allowed, f"{stem}: {slider['title']} takes {median:.0f} ms a move"
    finally:  # the picture of the page, also (especially) when something failed
        browser.screenshot(tmp_path / f"{stem}.png")
        _shutdown_kernels(base, token)
    assert _tracked_digest() == before, "a student's session changed tracked files"
    print(f"{stem}: student view checked, explorers timed ({time.monotonic() - start:.0f} s)")
