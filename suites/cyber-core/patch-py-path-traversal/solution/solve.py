"""Reference solution for patch-py-path-traversal: os.path.join lets `..`
components and absolute names leave docs/. The fix resolves the path
(following symbolic links) and refuses anything outside the resolved
docs/ folder."""
import sys

OLD = '''    path = os.path.join(ROOT, name)
    with open(path, "rb") as f:
'''
NEW = '''    root = os.path.realpath(ROOT)
    path = os.path.realpath(os.path.join(root, name))
    if os.path.commonpath([root, path]) != root or path == root:
        raise PermissionError(f"document name {name!r} is outside the document store")
    with open(path, "rb") as f:
'''


def main() -> int:
    source = open("docstore.py").read()
    if source.count(OLD) != 1:
        print("docstore.py does not contain the vulnerable join exactly once", file=sys.stderr)
        return 1
    open("docstore.py", "w").write(source.replace(OLD, NEW))
    print("docstore.read_document now resolves the path and refuses names that leave docs/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
