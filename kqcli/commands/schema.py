from __future__ import annotations

import typer

from . import friendly


@friendly
def run() -> None:
    """Print the JSON Schema of a customer file, for editors (yaml-language-server).

    Example: kq schema > .kq/schema.json
    """
    typer.echo(schema_text())


def schema_text() -> str:
    import json

    from ..schema.customer import Customer

    schema = Customer.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "kq customer (schema v1)"
    return json.dumps(schema, ensure_ascii=False, indent=2)
