"""docstore: read-only access to the documents under docs/.

Document names are paths relative to docs/, and sub-folders are allowed
(for example "guides/setup.md").
"""
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "docs")


def read_document(name: str) -> bytes:
    """The contents of the document `name`. A document that does not exist
    raises FileNotFoundError."""
    path = os.path.join(ROOT, name)
    with open(path, "rb") as f:
        return f.read()


def list_documents() -> list:
    """Every document name, sorted."""
    names = []
    for folder, _dirs, files in os.walk(ROOT):
        for file in files:
            names.append(os.path.relpath(os.path.join(folder, file), ROOT))
    return sorted(names)


if __name__ == "__main__":
    import sys

    if len(sys.argv) == 2:
        sys.stdout.buffer.write(read_document(sys.argv[1]))
    else:
        print("\n".join(list_documents()))
