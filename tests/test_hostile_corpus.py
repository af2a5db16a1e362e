"""The hostile corpus (tests/hostile_corpus.py) through every way in: the command line, the REST
API on SQLite and on PostgreSQL, and the dashboard's upload form.

For every case and every path: a clear answer (an exit status of 0, 1 or 2, or an HTTP status
under 500 with our one error shape), never a traceback; a report bounded in size; nothing stored
after a failure answer, one submission after a report; no value that is not finite, and no
wrong value (a validated file's values, once accepted, are exactly the expected ones); and
bounded time and memory (the command line runs in its own process, whose peak resident memory
is read from the kernel when it ends).

The outcomes are written as a table to ``artifacts/hostile/outcomes.md`` by the last test.
"""

from __future__ import annotations

import json
import math
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hostile_corpus import ENTITY, Case, all_cases
from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.model import Entity, EntityKind
from ictfootprint.store import Store

CASES = all_cases()
BY_NAME = {case.name: case for case in CASES}
REPO = Path(__file__).resolve().parents[1]
TABLE = REPO / "artifacts" / "hostile" / "outcomes.md"
CLI_SECONDS = 180  # the bound on one command: far above any honest file's time
MEMORY_MB = 500  # the bound on peak memory, for the command line and the server
REPORT_BYTES = 2 * 2**20
OUTCOMES: dict[tuple[str, str], Outcome] = {}
OPENING = threading.Lock()


@dataclass
class Outcome:
    path: str
    answer: str  # exit status or HTTP status
    status: str  # validated / rejected / refused (nothing stored) / "-"
    message: str
    memory_mb: float | None = None
    problems: tuple[str, ...] = ()


@cache
def data_of(name: str) -> bytes:
    return BY_NAME[name].make()


def _strict_json(text: str | bytes) -> Any:
    """JSON as the standard says it: no NaN, no Infinity."""

    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def _entity(entity_id: str = ENTITY) -> Entity:
    return Entity(
        id=entity_id,
        name="Hostile Operator (fictitious)",
        kind=EntityKind.COMPANY,
        country="FRA",
        subsectors=("mobile_network",),
        illustrative=True,
    )


def _values(store: Store, entity_id: str) -> list[tuple[str, int, float]]:
    return sorted(
        (o.indicator_id, o.year, o.value if o.value is not None else math.nan)
        for o in store.current_observations(entity_ids=[entity_id])
    )


def _judge(case: Case, status: str, values: list[tuple[str, int, float]] | None) -> list[str]:
    """What is wrong with an outcome against the case's expectation."""
    problems = []
    expect = case.expect
    if expect.kind == "not-valid" and status == "validated":
        problems.append(f"wrong value accepted: validated, values {values}")
    if expect.kind == "valid" and status != "validated":
        problems.append(f"a good file was not validated ({status})")
    if status == "validated" and values is not None:
        if any(not math.isfinite(v) for _i, _y, v in values):
            problems.append(f"a value that is not finite was stored: {values}")
        if expect.kind in ("valid", "maybe"):
            want = sorted(expect.values)
            if len(values) != len(want) or any(
                (a[0], a[1]) != (b[0], b[1]) or not math.isclose(a[2], b[2], rel_tol=1e-9)
                for a, b in zip(values, want, strict=False)
            ):
                problems.append(f"wrong values: stored {values}, expected {want}")
    return problems


def _accept_latest(store: Store, entity_id: str) -> tuple[str, list[tuple[str, int, float]] | None]:
    """The entity's submission's status; a validated one is accepted (the path where a value
    that validated could still fail on a database), then its values are read back."""
    records = store.submissions(entity_id=entity_id)
    if not records:
        return "refused", None
    record = records[-1]
    if record.status != "validated":
        return record.status, None
    store.accept_submission(record.id, "hostile corpus: accepted to read the values back")
    return "validated", _values(store, entity_id)


# --- the command line -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("hostile-cli") / "template.db"
    store = Store.open(str(db))
    store.add_entity(_entity())
    store.close()
    return db


# The command runs under a small launcher that reads the kernel's count for it: measured from
# the test process itself, a forked child's peak would count the (large) parent's pages too.
LAUNCHER = (
    "import os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[1:])\n"
    "_pid, status, usage = os.wait4(child.pid, 0)\n"
    "sys.stderr.write(f'\\nPEAK_KB {usage.ru_maxrss}\\n')\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def _run_measured(command: list[str], cwd: Path) -> tuple[int, str, str, float]:
    """Run a command; its exit status, output, and peak resident memory in MB."""
    out, err = cwd / "stdout.txt", cwd / "stderr.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICTFOOTPRINT_")}
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, *command],
            cwd=cwd,
            stdout=stdout,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    try:
        code = process.wait(timeout=CLI_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        code = -signal.SIGKILL
        process.wait()
    errors = err.read_text("utf-8", errors="replace")
    head, found, peak = errors.rpartition("\nPEAK_KB ")
    if found:
        errors = head
    memory = int(peak) / 1024 if found and peak.strip().isdigit() else float("nan")
    return code, out.read_text("utf-8", errors="replace"), errors, memory


def _cli_case(case: Case, template: Path, folder: Path) -> Outcome:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "store.db"
    shutil.copy(template, db)
    path = folder / case.name
    path.write_bytes(data_of(case.name))
    options = [x for key, value in case.options.items() for x in (f"--{key}", value)]
    command = [sys.executable, "-m", "ictfootprint", "submit", str(path), "--entity", ENTITY]
    command += ["--db", str(db), "--format", "json", *options]
    code, stdout, stderr, memory = _run_measured(command, folder)
    problems = []
    if code < 0 or code == -signal.SIGKILL:
        problems.append(f"killed after {CLI_SECONDS} s or by a signal ({code})")
    if code not in (0, 1, 2):
        problems.append(f"exit status {code}")
    if "Traceback" in stdout + stderr:
        problems.append("traceback: " + (stderr or stdout)[-300:])
    if not memory <= MEMORY_MB:  # a missing count (NaN) fails too
        problems.append(f"peak memory {memory:.0f} MB")
    if len(stdout) > REPORT_BYTES:
        problems.append(f"printed {len(stdout) / 2**20:.1f} MB")
    with OPENING:  # alembic's migration check is not safe in two threads at once
        store = Store.open(str(db))
    try:
        stored = len(store.submissions())
        if stdout.strip():
            try:
                report = _strict_json(stdout)
            except ValueError as exc:
                problems.append(f"the JSON report is not JSON: {exc}")
                report = {}
            told = report.get("status", "?")
            expected_code = 0 if told == "validated" else (1, 2)
            if (code != expected_code) if told == "validated" else (code not in (1, 2)):
                problems.append(f"exit {code} for a {told} submission")
            if stored != 1:
                problems.append(f"{stored} submissions stored after a report")
            status, values = _accept_latest(store, ENTITY)
            message = _first_finding(report)
        else:
            lines = stderr.strip().splitlines()
            if code != 2 or len(lines) != 1 or not lines[0].startswith("error: "):
                problems.append(f"no report and no one-line error (exit {code}): {stderr[-300:]}")
            if stored:
                problems.append("stored after an error answer")
            status, values, message = "refused", None, lines[0] if lines else ""
    finally:
        store.close()
    problems += _judge(case, status, values)
    return Outcome("cli", str(code), status, message[:120], memory, tuple(problems))


def _first_finding(report: dict[str, Any]) -> str:
    findings = (report.get("report") or {}).get("findings") or []
    if not findings:
        return ""
    first = findings[0]
    return f"{first.get('rule')}: {first.get('message')}"


@pytest.fixture(scope="module")
def cli_outcomes(
    cli_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Outcome]:
    """Every case through ``ictfootprint submit``, two processes at a time (two cores)."""
    root = tmp_path_factory.mktemp("hostile-cli-runs")
    with ThreadPoolExecutor(2) as pool:
        futures = {
            case.name: pool.submit(_cli_case, case, cli_template, root / f"case{i:03d}")
            for i, case in enumerate(CASES)
        }
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_cli(cli_outcomes: dict[str, Outcome], name: str) -> None:
    outcome = cli_outcomes[name]
    OUTCOMES[(name, "cli")] = outcome
    assert not outcome.problems, outcome


# --- the REST API and the upload form ---------------------------------------------------------


@dataclass
class Server:
    store: Store
    client: TestClient
    token: str


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('hostile-api') / 'api.db'}"
    else:
        pg = request.getfixturevalue("postgres")
        url = pg.new_database()
        request.addfinalizer(lambda: pg.drop_database(url))
    store = Store.open(url, actor="test-setup")
    store.add_user("hostile-admin", "admin", entities=(), countries=())
    token = store.create_token("hostile-admin", label="hostile corpus").token
    app = create_app(Settings.default(db=url, rate_limit_per_minute=0), store)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Server(store, client, token)
    store.close()


def _fresh_entity(store: Store, case: Case, path: str) -> str:
    """Each case's own entity, so that its values are the only ones read back."""
    entity_id = f"{path}-{CASES.index(case):03d}"
    store.add_entity(_entity(entity_id))
    return entity_id


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _http_problems(answer: Any) -> list[str]:
    problems = []
    if answer.status_code >= 500:
        problems.append(f"HTTP {answer.status_code}: {answer.text[:300]}")
    if "Traceback" in answer.text:
        problems.append("traceback in the answer")
    if len(answer.content) > REPORT_BYTES:
        problems.append(f"answer of {len(answer.content) / 2**20:.1f} MB")
    return problems


def _api_case(server: Server, case: Case) -> Outcome:
    store = server.store
    entity_id = _fresh_entity(store, case, "api")
    before = len(store.submissions())
    peak = _peak_mb()
    answer = server.client.post(
        "/api/v1/submissions",
        headers={"Authorization": f"Bearer {server.token}"},
        data={"entity": entity_id, **case.options},
        files={"file": (case.upload_name, data_of(case.name), "application/octet-stream")},
    )
    grown = _peak_mb() - peak
    problems = _http_problems(answer)
    if grown > MEMORY_MB:
        problems.append(f"the server's peak memory grew by {grown:.0f} MB")
    try:
        body = _strict_json(answer.content)
    except ValueError as exc:
        problems.append(f"the answer is not JSON: {exc}")
        body = {}
    after = len(store.submissions())
    if answer.status_code >= 400:
        if after != before:
            problems.append(f"stored after a {answer.status_code} answer")
        if "error" not in body:
            problems.append("a 4xx without the error shape")
        status, values = "refused", None
        message = (body.get("error") or {}).get("message", "")
    else:
        if after - before != 1:
            problems.append(f"{after - before} submissions stored after HTTP {answer.status_code}")
        told = body.get("status")
        status, values = _accept_latest(store, entity_id)
        if told != status:
            problems.append(f"answered {told} but stored {status}")
        location = answer.headers.get("location")
        if location:  # the file as received comes back byte for byte, whatever its name
            back = server.client.get(
                location + "/file", headers={"Authorization": f"Bearer {server.token}"}
            )
            if back.status_code != 200:
                problems.append(f"the file as received answered {back.status_code}")
            elif back.content != data_of(case.name):
                problems.append("the stored file differs from the one sent")
        message = _first_finding(body)
    problems += _judge(case, status, values)
    return Outcome("api", str(answer.status_code), status, message[:120], None, tuple(problems))


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_api(server: Server, name: str, request: pytest.FixtureRequest) -> None:
    outcome = _api_case(server, BY_NAME[name])
    database = "postgresql" if "postgresql" in request.node.callspec.id else "sqlite"
    OUTCOMES[(name, f"api-{database}")] = outcome
    assert not outcome.problems, outcome


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    assert found, "no CSRF field on the page"
    return found.group(1)


@pytest.fixture(scope="module")
def browser_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile-web') / 'web.db'}"
    store = Store.open(url, actor="test-setup")
    store.add_user("hostile-web", "admin", entities=(), countries=())
    token = store.create_token("hostile-web", label="hostile corpus").token
    app = create_app(Settings.default(db=url, rate_limit_per_minute=0), store)
    with TestClient(app, raise_server_exceptions=False) as client:
        signed = client.post("/en/signin", data={"token": token}, follow_redirects=False)
        assert signed.status_code == 303, signed.text[:300]
        yield Server(store, client, token)
    store.close()


# the form has no encoding field: a case that needs one is not a case for the form
WEB_CASES = [c.name for c in CASES if "encoding" not in c.options]


@pytest.mark.parametrize("name", WEB_CASES)
def test_upload_form(browser_session: Server, name: str) -> None:
    case = BY_NAME[name]
    store, client = browser_session.store, browser_session.client
    entity_id = _fresh_entity(store, case, "web")
    before = len(store.submissions())
    form = client.get("/en/submissions")
    assert form.status_code == 200
    answer = client.post(
        "/en/submissions",
        data={
            "entity": entity_id,
            "csrf": _csrf(form.text),
            "locale": case.options.get("locale", ""),
        },
        files={"file": (case.upload_name, data_of(name), "application/octet-stream")},
        follow_redirects=False,
    )
    problems = _http_problems(answer)
    after = len(store.submissions())
    message = ""
    if answer.status_code == 303:
        page = client.get(answer.headers["location"])
        problems += _http_problems(page)
        if page.status_code != 200:
            problems.append(f"the report page answered {page.status_code}")
        if "<script>alert(1)" in page.text or "<img src=x onerror" in page.text:
            problems.append("markup from the file reached the page unescaped")
        status, values = _accept_latest(store, entity_id)
        if after - before not in (0, 1):
            problems.append(f"{after - before} submissions stored")
    else:
        if answer.status_code not in (400, 413, 422):
            problems.append(f"answered {answer.status_code}")
        if after != before:
            problems.append(f"stored after a {answer.status_code} answer")
        status, values = "refused", None
        found = re.search(r'role="alert"[^>]*>(.*?)<', answer.text, re.S)
        message = found.group(1).strip() if found else ""
    problems += _judge(case, status, values)
    outcome = Outcome("web", str(answer.status_code), status, message[:120], None, tuple(problems))
    OUTCOMES[(name, "web")] = outcome
    assert not outcome.problems, outcome


# --- the table --------------------------------------------------------------------------------


def test_zz_the_outcome_table() -> None:
    """Written last: every case × path, and the three counts the issue asks for."""
    paths = ["cli", "api-sqlite", "api-postgresql", "web"]
    lines = [
        "# Hostile corpus: outcomes",
        "",
        f"{len(CASES)} cases; generated by tests/test_hostile_corpus.py.",
        "",
        "| case | expected | " + " | ".join(paths) + " | CLI peak MB |",
        "|---|---|" + "---|" * len(paths) + "---|",
    ]
    tracebacks = server_errors = wrong = 0
    for case in CASES:
        cells = []
        for path in paths:
            outcome = OUTCOMES.get((case.name, path))
            if outcome is None:
                cells.append("—")
                continue
            tracebacks += any("traceback" in p for p in outcome.problems)
            server_errors += any(p.startswith("HTTP 5") for p in outcome.problems)
            wrong += any("wrong value" in p or "not finite" in p for p in outcome.problems)
            mark = "" if not outcome.problems else " **FAIL**"
            cells.append(f"{outcome.answer} {outcome.status}{mark}")
        cli = OUTCOMES.get((case.name, "cli"))
        memory = f"{cli.memory_mb:.0f}" if cli and cli.memory_mb else "—"
        lines.append(
            f"| `{case.name}` | {case.expect.kind} | " + " | ".join(cells) + f" | {memory} |"
        )
    lines += [
        "",
        f"Tracebacks: {tracebacks}. 5xx answers: {server_errors}. Wrong values accepted: {wrong}.",
    ]
    TABLE.parent.mkdir(parents=True, exist_ok=True)
    TABLE.write_text("\n".join(lines) + "\n", "utf-8")
    assert len(CASES) >= 100
    assert (tracebacks, server_errors, wrong) == (0, 0, 0), TABLE
