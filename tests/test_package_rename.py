"""A package rename through `copier update` is refused before anything changes, with the way to
rename by hand (hooks/before_update.py)."""

from __future__ import annotations

from pathlib import Path

from tests.copier_cli import (
    commit_all,
    copier,
    data_args,
    files_of,
    git,
    make_template_repo,
    tag,
)

RENDER = ("--trust", "--defaults", "--skip-tasks")


def snapshot(project: Path) -> dict[str, bytes]:
    return {str(path.relative_to(project)): path.read_bytes() for path in files_of(project)}


def test_an_update_that_renames_the_package_is_refused_and_changes_nothing(
    tmp_path: Path,
) -> None:
    template = make_template_repo(tmp_path / "template")
    tag(template, "v1.0.0")
    project = tmp_path / "project"
    copier(tmp_path, "copy", *RENDER, *data_args(project_name="Svc"), str(template), str(project))
    git(project, "init", "--quiet")
    commit_all(project, "render")
    # A later release, so that the update has somewhere to go.
    (template / "CHANGES.md").write_text("1.1.0\n")
    commit_all(template, "release")
    tag(template, "v1.1.0")
    before = snapshot(project)

    result = copier(project, "update", *RENDER, *data_args(package_name="newpkg"), check=False)

    assert result.returncode != 0
    message = result.stderr
    assert "the package is 'svc'; renaming it to 'newpkg'" in message, message
    assert "git mv src/svc src/newpkg" in message, message
    assert snapshot(project) == before
    assert git(project, "status", "--porcelain").stdout == ""

    # The same update without the rename goes through.
    copier(project, "update", *RENDER)
    assert (project / "src" / "svc" / "db" / "engine.py").is_file()
