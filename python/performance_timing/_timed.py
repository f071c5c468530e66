"""``timed``: record Python code into the global profile shared with ``#[timed]`` Rust code."""

from __future__ import annotations

import sys

from ._native import _Scope

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs ~6 ms

if TYPE_CHECKING:
    from typing import Any, Callable, TypeVar

    F = TypeVar("F", bound=Callable[..., Any])

# `functools` is imported on first decoration: `import performance_timing` stays cheap.
_CO_COROUTINE = 0x80  # inspect.CO_COROUTINE


def _is_coroutine_function(func: object) -> bool:
    code = getattr(func, "__code__", None)
    return bool(getattr(code, "co_flags", 0) & _CO_COROUTINE)


def _check_name(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, not {type(name).__name__}")
    if not name:
        raise ValueError("name must not be empty")
    return name


def _decorate(func: F, name: str | None) -> F:
    if isinstance(func, (classmethod, staticmethod)):
        # Time the underlying function and keep the descriptor kind.
        return type(func)(_decorate(func.__func__, name))  # type: ignore[return-value]
    if not callable(func):
        raise TypeError(f"timed can only decorate a callable, not {type(func).__name__}")
    import functools

    label = name or getattr(func, "__qualname__", None) or getattr(func, "__name__", None)
    module = getattr(func, "__module__", None) or "python"
    scope = _Scope(module, label or repr(func))
    enter, exit_ = scope.enter, scope.exit

    if _is_coroutine_function(func):

        @functools.wraps(func)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            enter()
            try:
                return await func(*args, **kwargs)
            finally:
                exit_()

        return async_wrapper  # type: ignore[return-value]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        enter()
        try:
            return func(*args, **kwargs)
        finally:
            exit_()

    return wrapper  # type: ignore[return-value]


class timed(_Scope):
    """Records Python code into the global profile, next to ``#[timed]`` Rust functions.

    As a decorator — ``@timed``, ``@timed("name")`` or ``@timed(name="name")`` — every call
    of the function is recorded (under its ``__qualname__`` by default); the wrapper keeps the
    function's ``__name__``, ``__doc__`` and signature (``functools.wraps``) and works on
    methods, ``classmethod`` and ``staticmethod``. As a context manager —
    ``with timed("stage"):`` — the block is recorded; the same object may be entered again,
    nested, and from several threads.

    Self time is exclusive across the language boundary: Rust ``#[timed]`` functions called
    inside count as children. A coroutine function is timed from start to finish (wall
    time, including time suspended at ``await``); a generator function only for creating
    the generator. A scope must end on the thread that started it (``RuntimeError``).
    """

    __slots__ = ()

    def __new__(cls, name: Any = None, /, **kwargs: Any) -> Any:
        unknown = set(kwargs) - {"name"}
        if unknown:
            raise TypeError(f"timed() got an unexpected keyword argument {sorted(unknown)[0]!r}")
        keyword = kwargs.get("name")
        if callable(name) and not isinstance(name, str):
            # Bare @timed on a function.
            return _decorate(name, None if keyword is None else _check_name(keyword))
        if isinstance(name, (classmethod, staticmethod)):
            return _decorate(name, None if keyword is None else _check_name(keyword))
        if name is not None and keyword is not None:
            raise TypeError("timed() takes the name once: positionally or as name=")
        chosen = name if name is not None else keyword
        module = sys._getframe(1).f_globals.get("__name__", "python")
        if chosen is None:
            return super().__new__(cls, module)
        return super().__new__(cls, module, _check_name(chosen))

    def __call__(self, func: F) -> F:
        """Decorates ``func`` (``@timed("name")`` / ``@timed()``)."""
        return _decorate(func, self.name)

    def __repr__(self) -> str:
        return f"timed({self.name!r})"
