"""The wrappers ``timed`` puts around decorated functions (``timed`` itself is native:
``performance_timing._native.timed``, which calls ``_decorate`` on first decoration)."""

from __future__ import annotations

from ._native import _scope

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs ~6 ms

if TYPE_CHECKING:
    from typing import Any, Callable, TypeVar

    F = TypeVar("F", bound=Callable[..., Any])

# `functools` is imported on first decoration: `import performance_timing` stays cheap.
_CO_GENERATOR = 0x20  # inspect.CO_GENERATOR
_CO_COROUTINE = 0x80  # inspect.CO_COROUTINE
_CO_ASYNC_GENERATOR = 0x200  # inspect.CO_ASYNC_GENERATOR

# `_Steps` modes: an async generator's item (`__anext__`, `asend`, `athrow`), its closing.
_ITEM, _CLOSING = 1, 2


def _code_flags(func: object) -> int:
    code = getattr(func, "__code__", None)
    return int(getattr(code, "co_flags", 0))


def _is_coroutine_function(func: object) -> bool:
    return bool(_code_flags(func) & _CO_COROUTINE)


def _encodable(text: Any) -> Any:
    """A module or function name that is not valid Unicode (a lone surrogate, as in a module
    loaded from an undecodable file name) recorded with the surrogate escaped (``\\udc80``), as
    ``repr`` shows it; anything else unchanged (a non-``str`` is refused by ``_scope``)."""
    if isinstance(text, str):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _decorate(func: F, name: str | None) -> F:
    """Wraps ``func`` so that every call is recorded under ``name`` (default: its
    ``__qualname__``) in its module; keeps ``classmethod`` / ``staticmethod`` objects.
    A class is a ``TypeError`` (its methods are what can be timed)."""
    if isinstance(func, (classmethod, staticmethod)):
        # Time the underlying function and keep the descriptor kind.
        return type(func)(_decorate(func.__func__, name))  # type: ignore[return-value]
    if isinstance(func, type):
        # A wrapper function would replace the class: isinstance() and subclassing would
        # fail far from here. Rust's #[timed] refuses the same at compile time.
        raise TypeError(
            f"timed cannot decorate a class ({func.__qualname__}): decorate its methods, "
            f"or time a block with `with timed(\"{func.__name__}\"):`"
        )
    if not callable(func):
        raise TypeError(f"timed can only decorate a callable, not {type(func).__name__}")
    import functools

    label = name or getattr(func, "__qualname__", None) or getattr(func, "__name__", None)
    module = getattr(func, "__module__", None) or "python"
    scope = _scope(_encodable(module), _encodable(label or repr(func)))

    flags = _code_flags(func)
    steps = scope._steps  # one call that runs in steps (see `_native._Steps`)

    if flags & _CO_COROUTINE:
        # Every resumption of the coroutine is a step of the call (`await` delegates `send`,
        # `throw` and `close` to the `_Steps` object).
        @functools.wraps(func)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            return await steps(func(*args, **kwargs))

        return async_wrapper  # type: ignore[return-value]

    if flags & _CO_GENERATOR:

        @functools.wraps(func)
        def generator_wrapper(*args: Any, **kwargs: Any) -> Any:
            return (yield from steps(func(*args, **kwargs)))

        return generator_wrapper  # type: ignore[return-value]

    if flags & _CO_ASYNC_GENERATOR:
        return _async_generator_wrapper(func, steps, functools)  # type: ignore[no-any-return]

    call = scope._call  # opens a span, calls func(*args, **kwargs), records the span

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return call(func, args, kwargs)

    return wrapper  # type: ignore[return-value]


def _async_generator_wrapper(func: Any, steps: Any, functools: Any) -> Any:
    """An async generator that forwards to ``func``'s, each awaitable it awaits (``asend``,
    ``athrow``, ``aclose``) driven as steps of one call."""

    @functools.wraps(func)
    async def async_generator_wrapper(*args: Any, **kwargs: Any) -> Any:
        agen = func(*args, **kwargs)
        call = steps(agen.__anext__(), _ITEM)
        try:
            value = await call
        except StopAsyncIteration:
            return
        while True:
            try:
                sent = yield value
            except GeneratorExit:
                await call._next(agen.aclose(), _CLOSING)
                raise
            except BaseException as exc:  # noqa: BLE001 - thrown in: passed to the generator
                item = call._next(agen.athrow(exc), _ITEM)
            else:
                item = call._next(agen.asend(sent), _ITEM)
            try:
                value = await item
            except StopAsyncIteration:
                return

    return async_generator_wrapper
