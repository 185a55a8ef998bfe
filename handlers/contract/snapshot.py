"""Write the generated document to docs/openapi.json (the committed snapshot a test holds the code to):
`python -m handlers.contract.snapshot`; with `--freeze`, also write docs/openapi-v<major>.json, the baseline the
breaking-change check compares with until the major version is raised again."""

import json
import pathlib
import sys

from handlers.contract.document import VERSION
from handlers.contract.document import document

DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs"


def text(doc):
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def baseline_path(version=VERSION):
    return DOCS / f"openapi-v{version.split('.')[0]}.json"


def main(argv):
    DOCS.mkdir(exist_ok=True)
    (DOCS / "openapi.json").write_text(text(document()), encoding="utf-8")
    written = ["docs/openapi.json"]
    if "--freeze" in argv:
        baseline_path().write_text(text(document()), encoding="utf-8")
        written.append(f"docs/{baseline_path().name}")
    print("wrote " + ", ".join(written))


if __name__ == "__main__":
    main(sys.argv[1:])
