from __future__ import annotations

import typer

from . import friendly


@friendly
def run() -> None:
    """Print the JSON Schema of a customer file, for editors (yaml-language-server).

    Example: kq schema > .kq/schema.json
    """
    from ...schema.customer import json_schema_text

    typer.echo(json_schema_text())
