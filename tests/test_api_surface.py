"""The public Python surface is listed once in each place and the places agree; the defaults
shown in signatures and stubs are the runtime's constants."""

from __future__ import annotations

import ast
import inspect
import pathlib

import performance_timing as pt
from performance_timing import _native

PACKAGE = pathlib.Path(pt.__file__).parent


def stub_all() -> list[str]:
    tree = ast.parse((PACKAGE / "_native.pyi").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return list(ast.literal_eval(node.value))
    raise AssertionError("_native.pyi has no __all__")


def test_package_exports_exactly_its_all():
    public = {name for name in vars(pt) if not name.startswith("_")} - {
        "annotations",  # from __future__
    }
    modules = {name for name in public if inspect.ismodule(getattr(pt, name))}
    assert sorted(public - modules) == sorted(n for n in pt.__all__ if n != "__version__")
    assert len(pt.__all__) == len(set(pt.__all__))


def test_native_public_names_are_the_package_names():
    native_public = {n for n in stub_all() if not n.startswith("_") or n == "__version__"}
    # Defined in Python: PrometheusCollector implements prometheus_client's collector protocol.
    python_only = {"PrometheusCollector"}
    assert native_public == set(pt.__all__) - python_only
    for name in stub_all():
        assert hasattr(_native, name), name


def test_signature_defaults_are_the_runtime_constants():
    for key, value in _native._DEFAULTS.items():
        function, argument = key.split(".")
        parameters = inspect.signature(getattr(pt, function)).parameters
        assert parameters[argument].default == value, key
