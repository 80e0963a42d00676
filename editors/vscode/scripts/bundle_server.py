"""Puts the glossary-lsp server into bundled/ for one .vsix target.

    python scripts/bundle_server.py TARGET [--pythons 3.10,3.11,3.12,3.13]

TARGET is a `vsce package --target` name (linux-x64, linux-arm64, darwin-x64, darwin-arm64,
win32-x64) or `universal`. The compiled wheels that have no pure-Python fallback (pyromark;
ahocorasick-rs, which has a slower one) are built per CPython minor version (neither is abi3),
so a platform bundle has:

    bundled/libs/         the pure-Python distributions, shared by every Python; rapidfuzz and
                          PyYAML without their compiled modules (they run their Python code)
    bundled/cp3XY/        that CPython's wheels for TARGET (and what only that version needs)
    bundled/bundle.json   {"version", "target", "pythons"}: read by the extension and start.py

The pure part is installed with this interpreter's pip; each version's part is fetched with
`pip download --only-binary=:all: --platform … --python-version …`. pip evaluates environment
markers against the interpreter that runs it, whatever --python-version says, so the markers of
every requirement are evaluated here, for the target, and pip is given plain specifiers.

`universal` carries no server (no compiled wheel runs everywhere, and prose detection has no
pure-Python fallback): the extension then uses an installed `glossary-lsp` and says how to
install one.
"""

from __future__ import annotations

import argparse
import email.parser
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.utils import canonicalize_name
    from packaging.version import Version
except ImportError:  # pip always carries it
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[assignment,no-redef,unused-ignore]
    from pip._vendor.packaging.specifiers import SpecifierSet  # type: ignore[assignment,no-redef,unused-ignore]
    from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[assignment,no-redef,unused-ignore]
    from pip._vendor.packaging.version import Version  # type: ignore[assignment,no-redef,unused-ignore]

EXTENSION = Path(__file__).resolve().parent.parent
REPOSITORY = EXTENSION.parent.parent
BUNDLED = EXTENSION / "bundled"
SERVER = "glossary-lsp"
PYTHONS = ("3.10", "3.11", "3.12", "3.13")
# Compiled, with a pure-Python implementation that runs when the compiled one is absent: shared
# without their compiled modules (rapidfuzz's alone are 12 MB per Python version).
PURE_FALLBACK = {"rapidfuzz", "pyyaml"}

# pip expands a macosx tag to the older macOS versions and universal2, and manylinux2014 to
# manylinux2010/1; manylinux_2_28 (VS Code's own floor) is listed for wheels that have only it.
PLATFORM_TAGS: dict[str, list[str]] = {
    "linux-x64": ["manylinux2014_x86_64", "manylinux_2_28_x86_64"],
    "linux-arm64": ["manylinux2014_aarch64", "manylinux_2_28_aarch64"],
    "darwin-x64": ["macosx_11_0_x86_64"],
    "darwin-arm64": ["macosx_11_0_arm64"],
    "win32-x64": ["win_amd64"],
}
# (sys_platform, platform_system, platform_machine, os_name) for the environment markers
PLATFORM_MARKERS: dict[str, tuple[str, str, str, str]] = {
    "linux-x64": ("linux", "Linux", "x86_64", "posix"),
    "linux-arm64": ("linux", "Linux", "aarch64", "posix"),
    "darwin-x64": ("darwin", "Darwin", "x86_64", "posix"),
    "darwin-arm64": ("darwin", "Darwin", "arm64", "posix"),
    "win32-x64": ("win32", "Windows", "AMD64", "nt"),
}


class Dist:
    """One installed or downloaded distribution: its name, version and what it requires."""

    def __init__(self, metadata: str, pure: bool, top_level: set[str]) -> None:
        message = email.parser.Parser().parsestr(metadata)
        self.name: str = canonicalize_name(message["Name"])
        self.version = Version(message["Version"])
        self.requires_python = SpecifierSet(message.get("Requires-Python") or "")
        self.requires = [Requirement(line) for line in message.get_all("Requires-Dist") or []]
        self.pure = pure
        self.top_level = top_level

    def runs_on(self, python: str) -> bool:
        return self.requires_python.contains(f"{python}.0", prereleases=True)


def pip(arguments: list[str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet", *arguments],
        check=True,
    )


def installed_dists(folder: Path) -> dict[str, Dist]:
    """The distributions `pip install --target folder` put there, by canonical name."""
    dists: dict[str, Dist] = {}
    for info in folder.glob("*.dist-info"):
        records = (info / "RECORD").read_text(encoding="utf8").splitlines()
        paths = [line.rsplit(",", 2)[0] for line in records if line]
        top = {path.split("/", 1)[0] for path in paths if not path.startswith("..")}
        pure = (info / "WHEEL").read_text(encoding="utf8").find("Root-Is-Purelib: true") >= 0
        pure = pure and not any(_is_compiled(path) for path in paths)
        dist = Dist((info / "METADATA").read_text(encoding="utf8"), pure, top)
        dist.pure = dist.pure or dist.name in PURE_FALLBACK
        dists[dist.name] = dist
    return dists


def _is_compiled(path: str) -> bool:
    return path.endswith((".so", ".pyd", ".dylib")) or ".so." in path


def marker_environment(target: str, python: str) -> dict[str, str]:
    sys_platform, system, machine, os_name = PLATFORM_MARKERS[target]
    return dict(
        sys_platform=sys_platform,
        platform_system=system,
        platform_machine=machine,
        os_name=os_name,
        python_version=python,
        python_full_version=f"{python}.0",
        implementation_name="cpython",
        platform_python_implementation="CPython",
        implementation_version=f"{python}.0",
        platform_release="",
        platform_version="",
    )


def applies(requirement: Requirement, environment: dict[str, str], extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(
        requirement.marker.evaluate({**environment, "extra": extra}) for extra in extras | {""}
    )


def install_shared(work: Path) -> dict[str, Dist]:
    """The server and its dependencies for this interpreter; the pure ones become bundled/libs."""
    host = work / "host"
    pip(["install", "--no-compile", "--target", str(host), str(REPOSITORY)])
    return installed_dists(host)


def download_for(target: str, python: str, names: list[str], into: Path) -> None:
    platforms = [arg for tag in PLATFORM_TAGS[target] for arg in ("--platform", tag)]
    pip(
        [
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--implementation",
            "cp",
            "--python-version",
            python,
            *platforms,
            "--dest",
            str(into),
            *names,
        ]
    )


def wheel_dist(wheel: Path) -> Dist:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = next(name for name in names if name.endswith(".dist-info/METADATA"))
        wheel_info = archive.read(metadata.replace("METADATA", "WHEEL")).decode("utf8")
        pure = "Root-Is-Purelib: true" in wheel_info and not any(map(_is_compiled, names))
        top = {name.split("/", 1)[0] for name in names}
        return Dist(archive.read(metadata).decode("utf8"), pure, top)


def version_folder(target: str, python: str, shared: dict[str, Dist], work: Path) -> None:
    """bundled/cp3XY: the wheels `python` needs on `target` that bundled/libs cannot serve."""
    environment = marker_environment(target, python)
    downloads = work / target / python
    downloads.mkdir(parents=True)
    chosen: dict[str, Dist] = {}
    wheels: dict[str, Path] = {}
    extras_of: dict[str, set[str]] = {}  # the extras asked of each chosen distribution
    expanded: set[str] = set()
    queue: list[tuple[Requirement, set[str]]] = [
        (requirement, set()) for requirement in shared[canonicalize_name(SERVER)].requires
    ]
    while queue:
        wanted: dict[str, Requirement] = {}
        for requirement, parent_extras in queue:
            name = canonicalize_name(requirement.name)
            if not applies(requirement, environment, parent_extras):
                continue
            extras_of.setdefault(name, set()).update(requirement.extras)
            if name in chosen or name in wanted:
                continue
            have = shared.get(name)
            if (
                have
                and have.pure
                and have.runs_on(python)
                and requirement.specifier.contains(have.version, prereleases=True)
            ):
                chosen[name] = have
            else:
                wanted[name] = requirement
        if wanted:
            download_for(
                target, python, [f"{name}{wanted[name].specifier}" for name in wanted], downloads
            )
            for wheel in downloads.glob("*.whl"):
                dist = wheel_dist(wheel)
                if dist.name in wanted and dist.name not in chosen:
                    chosen[dist.name] = dist
                    wheels[dist.name] = wheel
            missing = sorted(set(wanted) - set(chosen))
            if missing:
                raise SystemExit(
                    f"no wheel of {', '.join(missing)} for CPython {python} on {target}"
                )
        queue = []
        for dist_name in sorted(set(chosen) - expanded):
            expanded.add(dist_name)
            extras = extras_of.get(dist_name, set())
            queue += [(requirement, extras) for requirement in chosen[dist_name].requires]
    folder = BUNDLED / f"cp{python.replace('.', '')}"
    folder.mkdir()
    for dist_name, wheel in wheels.items():
        unpack(wheel, folder, keep_compiled=dist_name not in PURE_FALLBACK)


def unpack(wheel: Path, folder: Path, keep_compiled: bool) -> None:
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            top = name.split("/", 1)[0]
            if top.endswith(".data"):  # scripts and headers: not importable, not needed
                continue
            if not keep_compiled and _is_compiled(name):
                continue
            archive.extract(name, folder)


COMPILED_OR_CACHE = shutil.ignore_patterns("__pycache__", "*.so", "*.so.*", "*.pyd", "*.dylib")


def copy_shared(shared: dict[str, Dist], host: Path) -> None:
    libs = BUNDLED / "libs"
    libs.mkdir()
    for dist in shared.values():
        if not dist.pure:
            continue
        for top in dist.top_level:
            source = host / top
            if source.is_dir():
                shutil.copytree(source, libs / top, dirs_exist_ok=True, ignore=COMPILED_OR_CACHE)
            elif source.is_file() and not _is_compiled(top):
                shutil.copy2(source, libs / top)


def clean() -> None:
    for path in BUNDLED.iterdir():
        if path.name in ("libs", "bundle.json", "VERSION") or (
            path.name.startswith("cp3") and path.is_dir()
        ):
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=[*PLATFORM_TAGS, "universal"])
    parser.add_argument(
        "--pythons", default=",".join(PYTHONS), help="CPython minor versions, comma-separated"
    )
    args = parser.parse_args()
    clean()
    if args.target == "universal":
        print("universal .vsix: no bundled server")
        return 0
    pythons = [python.strip() for python in args.pythons.split(",") if python.strip()]
    with tempfile.TemporaryDirectory(prefix="glossary-bundle-") as temporary:
        work = Path(temporary)
        shared = install_shared(work)
        copy_shared(shared, work / "host")
        for python in pythons:
            version_folder(args.target, python, shared, work)
        version = str(shared[canonicalize_name(SERVER)].version)
    manifest = {"version": version, "target": args.target, "pythons": pythons}
    (BUNDLED / "bundle.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf8")
    print(f"bundled {SERVER} {version} for {args.target}, CPython {', '.join(pythons)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
