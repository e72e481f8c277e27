"""The public API as a whole: its names match docs/api.md, its examples run, it imports light."""

from __future__ import annotations

import doctest
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

import jobatlas
import jobatlas.api

DOCS = Path(__file__).resolve().parents[1] / "docs" / "api.md"
API_MODULES = ("jobatlas.api.columns", "jobatlas.api.postings", "jobatlas.api.ranking")


HEADING = re.compile(r"^### `((?:jobatlas\.api\.)?)([A-Za-z_]\w*)", flags=re.MULTILINE)


def documented_names(*, top_level_only: bool = False) -> set[str]:
    """The names with a ``### `name...` `` heading in docs/api.md; ``jobatlas.api.name``
    headings are the names that only ``jobatlas.api`` exports."""
    found = HEADING.findall(DOCS.read_text(encoding="utf-8"))
    return {name for prefix, name in found if not (top_level_only and prefix)}


def test_the_api_module_exports_exactly_the_documented_functions_and_classes() -> None:
    assert set(jobatlas.api.__all__) == documented_names() - {"JobatlasError", "__version__"}


def test_the_package_exports_exactly_the_documented_top_level_names() -> None:
    # jobatlas.normalize is the package of the normalisers: that function is jobatlas.api's
    assert set(jobatlas.__all__) == documented_names(top_level_only=True)
    assert documented_names() - documented_names(top_level_only=True) == {"normalize"}
    assert sorted(jobatlas.__all__) == jobatlas.__all__


@pytest.mark.parametrize("name", jobatlas.__all__)
def test_every_exported_name_resolves_to_the_api_object(name: str) -> None:
    value = getattr(jobatlas, name)
    if name in jobatlas.api.__all__:
        assert value is getattr(jobatlas.api, name)
    assert value.__doc__ if name != "__version__" else isinstance(value, str)


def test_an_unknown_attribute_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = jobatlas.no_such_name  # type: ignore[attr-defined]


def test_every_documented_function_has_a_runnable_example() -> None:
    for name in API_MODULES:
        module = importlib.import_module(name)
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, f"{name}: {result.failed} example(s) failed"
        assert result.attempted > 0, f"{name}: no example"
    public = [getattr(jobatlas.api, n) for n in jobatlas.api.__all__]
    functions = [f for f in public if not isinstance(f, type)]
    assert len(functions) == 6
    assert all(">>> " in (f.__doc__ or "") for f in functions)


def test_the_examples_in_the_docs_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    examples = "\n\n".join(b for b in blocks if b.lstrip().startswith(">>>"))
    test = doctest.DocTestParser().get_doctest(examples, {}, "docs/api.md", str(DOCS), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0
    assert runner.tries >= 8


def test_importing_the_package_and_the_api_loads_no_dataframe_library_and_no_duckdb() -> None:
    code = (
        "import sys, jobatlas, jobatlas.api; "
        "print(sorted(m for m in ('pandas', 'polars', 'duckdb') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_working_on_lists_never_imports_polars() -> None:
    # pyarrow itself imports pandas when it is installed; polars is ours alone to import
    code = (
        "import sys, jobatlas; jobatlas.classify(['ML engineer']); "
        "jobatlas.canonical_employers(['Acme Inc']); print('polars' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_the_docs_show_an_example_for_every_documented_name() -> None:
    text = DOCS.read_text(encoding="utf-8")
    sections = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    assert len(sections) == len(documented_names())
    for section in sections:
        found = HEADING.match("### " + section)
        assert found is not None
        name = found.group(2)
        if name not in ("JobatlasError", "__version__"):
            assert "```python" in section, f"docs/api.md: no example for {name}"
