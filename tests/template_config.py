"""What copier.yml says, read the way copier reads it: the engines and the database each speaks,
the frameworks, the owner-owned paths. The tests and the bench ask here, never write these down."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]


@cache
def copier_config() -> dict[str, Any]:
    """copier.yml's documents merged into one mapping (`!include`d files left out)."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!include", lambda _loader, _node: None)
    config: dict[str, Any] = {}
    for document in yaml.load_all((TEMPLATE_ROOT / "copier.yml").read_text(), Loader=Loader):
        if isinstance(document, dict):
            config.update(document)
    return config


def question_choices(question: str) -> list[str]:
    """The values copier.yml offers for a question, in its order."""
    choices = copier_config()[question]["choices"]
    return [str(v) for v in (choices.values() if isinstance(choices, dict) else choices)]


def engine_choices() -> list[str]:
    return question_choices("engine")


def framework_choices() -> list[str]:
    return question_choices("framework")


def default_engine() -> str:
    return str(copier_config()["engine"]["default"])


def default_framework() -> str:
    return str(copier_config()["framework"]["default"])


def engine_database(engine: str) -> str:
    """The database family an engine speaks (`sqlite`, `postgresql`, `mysql`): copier.yml's
    `engine_databases`, which its derived `database` answer reads."""
    return str(copier_config()["engine_databases"]["default"][engine])


def url_scheme(engine: str, package_name: str) -> str:
    """The SQLAlchemy URL scheme of an engine (`postgresql+asyncpg`, `<package>+async`):
    copier.yml's derived `url_scheme`, its Jinja expression evaluated as copier does."""
    expression = str(copier_config()["url_scheme"]["default"])
    return (
        jinja2.Environment()
        .from_string(expression)
        .render(engine=engine, package_name=package_name)
    )


def owner_owned_paths(package_name: str) -> list[str]:
    """The paths that belong to the project's owner after the first render (`_skip_if_exists`);
    a path ending in `/` stands for everything below it."""
    return [
        str(path).replace("{{ package_name }}", package_name)
        for path in copier_config()["_skip_if_exists"]
    ]


def is_owner_owned(path: str, package_name: str) -> bool:
    return any(
        path == owned or (owned.endswith("/") and path.startswith(owned))
        for owned in owner_owned_paths(package_name)
    )
