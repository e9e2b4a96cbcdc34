"""The package's own structure: qtaichi.lang modules import each other only at the top of the
module (no import hidden in a function to dodge a cycle), and those imports form no cycle."""
import ast
import os

import archs

LANG = os.path.join(os.path.dirname(__file__), "..", "..", "python", "qtaichi", "lang")


def lang_imports(path):
    """(top-level lang modules imported, lang modules imported inside functions)."""
    tree = ast.parse(open(path).read())
    top, hidden = set(), set()

    def names(node):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "qtaichi.lang":
                return {a.name for a in node.names}
            if node.module.startswith("qtaichi.lang."):
                return {node.module.split(".")[2]}
        if isinstance(node, ast.Import):
            return {a.name.split(".")[2] for a in node.names
                    if a.name.startswith("qtaichi.lang.")}
        return set()

    for node in tree.body:
        top |= names(node)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                hidden |= names(inner)
    return top, hidden


@archs.cpu_only("a property of the Python sources, the same on every arch")
def test_lang_modules_import_at_the_top_and_without_cycles():
    graph = {}
    for name in os.listdir(LANG):
        if name.endswith(".py") and name != "__init__.py":
            top, hidden = lang_imports(os.path.join(LANG, name))
            assert not hidden, f"{name} imports {sorted(hidden)} inside a function"
            graph[name[:-3]] = top & {n[:-3] for n in os.listdir(LANG) if n.endswith(".py")}
    state = {}

    def visit(n, path):
        if state.get(n) == "done":
            return
        assert state.get(n) != "active", "import cycle: " + " -> ".join(path + [n])
        state[n] = "active"
        for m in sorted(graph.get(n, ())):
            visit(m, path + [n])
        state[n] = "done"

    for n in sorted(graph):
        visit(n, [])
