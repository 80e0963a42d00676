"""Starts the glossary-lsp server that the VS Code extension carries.

bundled/libs holds the pure-Python distributions, bundled/cp3XY the compiled ones (pyromark,
ahocorasick-rs) built for one CPython version on the .vsix's platform; bundle.json says which.
rapidfuzz and PyYAML run their pure-Python code.

When the bundle cannot load here (another Python, another platform, a damaged folder) this
prints one line starting with "glossary-lsp:" on stderr, naming what to install, and exits with
status 3, instead of a traceback. `--check` stops after importing the server (the extension runs
it to tell the user why a start failed).

Runs under whatever Python it is given: it says so, instead of failing, on a Python 3.6 to 3.9.
"""

import json
import os
import sys

CANNOT_LOAD = 3
HERE = os.path.dirname(os.path.abspath(__file__))


def fail(reason):
    sys.stderr.write("glossary-lsp: " + reason + "\n")
    sys.stderr.flush()
    raise SystemExit(CANNOT_LOAD)


def quoted(path):
    return '"' + path + '"' if " " in path else path


def install_advice():
    return (
        f"install the server into this Python with `{quoted(sys.executable)} -m pip install "
        'glossary-lsp`, then run "Glossary: Restart Server"'
    )


def read_manifest():
    try:
        with open(os.path.join(HERE, "bundle.json")) as manifest:
            return json.load(manifest)
    except (OSError, ValueError) as error:
        fail(
            f"the bundled server is damaged ({error}): reinstall the extension, "
            f"or {install_advice()}"
        )


def put_bundle_on_path():
    implementation = sys.implementation.name
    name = {"cpython": "CPython", "pypy": "PyPy"}.get(implementation, implementation)
    found = f"{name} {'.'.join(str(part) for part in sys.version_info[:3])}"
    python = quoted(sys.executable)
    if sys.version_info < (3, 10):  # noqa: UP036 (this file runs under any Python)
        fail(f"the server needs Python 3.10 or newer; {python} is {found}")
    bundle = read_manifest()
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    pythons = bundle.get("pythons", [])
    compiled = os.path.join(HERE, "cp" + version.replace(".", ""))
    if implementation != "cpython" or version not in pythons or not os.path.isdir(compiled):
        fail(
            f"the server this extension carries is built for CPython {', '.join(pythons)} on "
            f"{bundle.get('target', '?')}, and {python} is {found}: {install_advice()}, or choose "
            f"a Python {'/'.join(pythons)} (the Python extension's interpreter, or python3 on PATH)"
        )
    sys.path[0:0] = [compiled, os.path.join(HERE, "libs")]


def load_failure(error):
    fail(
        f"the server this extension carries cannot load in {quoted(sys.executable)} "
        f"({type(error).__name__}: {error}). Its files may be damaged: reinstall the extension, "
        f"or {install_advice()}"
    )


def main(arguments):
    put_bundle_on_path()
    try:
        import pyromark  # noqa: F401 (compiled, no fallback: fail here, not in the first parse)

        from glossary_lsp.cli import main as serve

        if "--check" in arguments:
            import glossary_lsp.lsp.server  # noqa: F401 (everything serving needs)

            return 0
        return serve(arguments)
    except ImportError as error:
        load_failure(error)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
