"""Where the forms are found: a search path of folders of definitions (*.yaml), each form by its name.

The package's own definitions (piasite/forms/*.yaml) come first; a city's repository may add its
own in a `forms/` folder beside its mkdocs.yml (Registry.for_project). A city's form may not take
the name of a package form (nor two files the same name): an error naming both files.

One lookup (Registry.get) and one failure message (UnknownForm, listing the names known). The
module functions (load_form, form_of, form_for, form_names, form_key, all_forms) are the active
registry's, for the many callers that need a form by name: the command sets the active registry
once (use), tests a registry over their own folders (using).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml

from piasite.core import safefiles
from piasite.core.errors import UnknownForm
from piasite.forms.definition import FormError, load_form_file, read_raw
from piasite.forms.form import Form

T = TypeVar("T")
PACKAGE_FORMS = Path(__file__).parent  # the package's definitions (*.yaml) beside this module
CITY_FORMS = "forms"  # a city's own definitions, beside its mkdocs.yml
MAX_BYTES = 1_000_000  # a city's definition file (the package's largest is about 50 kB)
DEFAULT_FORM = "重点項目評価書"  # the form of documents written before 様式 was required


class Registry:
    """The forms of a search path: folders of definitions, the package's first."""

    def __init__(self, search_path: Sequence[Path] = (PACKAGE_FORMS,), project: Path | None = None):
        self.search_path = tuple(Path(p) for p in search_path)
        self.project = Path(project).resolve() if project is not None else None  # a city's files: no links
        self._files: dict[str, Path] | None = None
        self._forms: dict[str, Form] = {}
        self._key: str | None = None

    @classmethod
    def for_project(cls, root: Path | None) -> Registry:
        """The package's forms, then the city's forms/ beside its mkdocs.yml (root) when it has one."""
        if root is None:
            return cls()
        city = Path(root).resolve() / CITY_FORMS
        if not city.is_dir() or city.is_symlink() or city.resolve() == PACKAGE_FORMS.resolve():
            return cls()
        return cls((PACKAGE_FORMS, city), project=root)

    def _read(self, path: Path) -> str | None:
        """A city's file read without following a link, and only up to MAX_BYTES (None: a package
        file, read as is)."""
        if self.project is None or path.parent == PACKAGE_FORMS:
            return None
        size = safefiles.check(path, root=self.project).st_size
        if size > MAX_BYTES:
            raise FormError(f"{path}: 様式の定義が大きすぎます({size:,} バイト。{MAX_BYTES:,} バイトまで)")
        return safefiles.read_text(path, root=self.project)

    def files(self) -> dict[str, Path]:
        """Form name → its definition file, in search-path order (read once: validation asks for every document)."""
        if self._files is None:
            files: dict[str, Path] = {}
            for folder in self.search_path:
                for p in sorted(folder.glob("*.yaml")):
                    raw = self._load(p, functools.partial(self._raw, p))
                    name = raw.get("form") if isinstance(raw, dict) else None
                    if not isinstance(name, str) or not name.strip():
                        raise FormError(f"{p}: 様式の定義には form: (様式の名前) を書いてください")
                    if name in files:
                        raise FormError(
                            f"様式「{name}」の定義が二つあります: {files[name]} と {p}"
                            "(団体の forms/ の様式には、ほかの様式と違う名前 (form:) を付けてください)"
                        )
                    files[name] = p
            self._files = files
        return self._files

    def _raw(self, path: Path) -> Any:
        return read_raw(path, self._read(path))

    def _load(self, path: Path, read: Callable[[], T]) -> T:
        """read(): a city's definition that is not one is a FormError naming the file, never a traceback
        (the package's are checked by the tests)."""
        if self.project is None or path.parent == PACKAGE_FORMS:
            return read()
        try:
            return read()
        except (FormError, safefiles.UnsafeFile):
            raise
        except yaml.YAMLError as e:
            raise FormError(f"{path}: YAML として読めません({type(e).__name__})") from None
        except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError) as e:
            raise FormError(f"{path}: 様式の定義として読めません({type(e).__name__}: {str(e)[:200]})") from None

    def names(self) -> list[str]:
        return list(self.files())

    def get(self, name: Any = DEFAULT_FORM) -> Form:
        """The form of that name (UnknownForm, listing the names known, when there is none)."""
        form = self._forms.get(name) if isinstance(name, str) else None
        if form is None:
            files = self.files()
            if name not in files:
                raise UnknownForm(name, list(files))
            path = files[name]
            form = self._forms[name] = self._load(path, lambda: load_form_file(path, self._read(path)))
        return form

    def all(self) -> list[Form]:
        return [self.get(n) for n in self.files()]

    def form_key(self) -> str:
        """The document key that names a document's form (様式): every definition's `form` role,
        which must be one top-level key, the same in all (it is read before the form is known)."""
        if self._key is None:
            keys = {self.get(n).roles.get("form") for n in self.files()}
            only = next(iter(keys)) if len(keys) == 1 else None
            if only is None or len(only) != 1:
                raise FormError(
                    f"{PACKAGE_FORMS.name}: どの様式の定義も roles.form に同じ一つのキーを書いてください({keys})"
                )
            self._key = only[0]
        return self._key

    def of(self, data: Any, default: str | None = None) -> Form:
        """The form a document names (UnknownForm, a KeyError, when it names none known)."""
        name = data.get(self.form_key(), default) if isinstance(data, dict) else default
        return self.get(str(name))

    def find(self, data: Any, default: str | None = DEFAULT_FORM) -> Form | None:
        """The form a parsed document names, or None when it names none we know (or is not a mapping):
        for stages reading committed versions, which no check has passed."""
        name = data.get(self.form_key(), default) if isinstance(data, dict) else None
        if not isinstance(name, str) or name not in self.files():
            return None
        return self.get(name)


_active = Registry()


def active() -> Registry:
    """The registry the module functions below look forms up in."""
    return _active


def use(registry: Registry) -> Registry:
    """Make registry the active one (a command, for its city's forms/); returns the one it replaces."""
    global _active
    before, _active = _active, registry
    return before


@contextlib.contextmanager
def using(registry: Registry) -> Iterator[Registry]:
    """The registry active inside a with block (tests over their own folders of definitions)."""
    before = use(registry)
    try:
        yield registry
    finally:
        use(before)


def load_form(name: str = DEFAULT_FORM) -> Form:
    return _active.get(name)


def form_of(data: Any, default: str | None = None) -> Form:
    return _active.of(data, default)


def form_for(data: Any, default: str | None = DEFAULT_FORM) -> Form | None:
    return _active.find(data, default)


def form_key() -> str:
    return _active.form_key()


def form_names() -> list[str]:
    return _active.names()


def all_forms() -> list[Form]:
    return _active.all()
