"""The short ways in of ``timed`` and ``Timer`` (native construction, per-thread cache of
prepared call sites, recycled bound methods) keep every behaviour of the plain forms."""

from __future__ import annotations

import contextlib
import inspect
import pickle
import sys
import threading
import time

import pytest

import performance_timing as pt
from performance_timing import Timer, timed

pytestmark = pytest.mark.usefixtures("clean_profile")


@timed
def module_level_decorated(x):
    """Doubles."""
    return 2 * x


# --- timed("name"): one object per (module, name) -------------------------------------------


def test_inline_timed_is_the_same_object_and_records_every_block():
    for _ in range(1_000):
        with timed("inline_stage"):
            pass
    assert timed("inline_stage") is timed("inline_stage")
    rec = pt.snapshot()["inline_stage"]
    assert rec.calls == 1_000
    assert rec.module_path == __name__


def test_module_is_the_calling_code_module():
    namespace = {"timed": timed, "__name__": "some.other.module"}
    exec("with timed('modular'):\n    pass\nscope = timed('modular')", namespace)
    bare = {"timed": timed}  # globals without __name__
    exec("with timed('modular'):\n    pass", bare)
    with timed("modular"):
        pass
    by_module = {r.module_path: r.calls for r in pt.snapshot() if r.name == "modular"}
    assert by_module == {"some.other.module": 1, "python": 1, __name__: 1}
    assert namespace["scope"] is not timed("modular")  # another module's site


def test_names_built_at_every_call_are_recorded_by_value_and_not_kept():
    parts = ("dyn", "amic")
    names = []
    for i in range(3_000):
        name = f"{parts[i % 2]}-{i % 3}"  # a new str object each time
        names.append(name)
        with timed(name):
            pass
    snap = pt.snapshot()
    assert sum(snap[f"{p}-{k}"].calls for p in parts for k in range(3) if f"{p}-{k}" in snap) == 3_000
    # The per-thread cache holds at most 64 entries: every other one of these strings is
    # referred to by `names` only (the lowest count seen).
    counts = [sys.getrefcount(n) for n in names]
    kept = sum(1 for c in counts if c > min(counts))
    assert kept <= 64, kept


def test_str_subclass_names_and_keyword_forms():
    class Name(str):
        pass

    with timed(Name("subclassed")):
        pass
    with timed(name="by_keyword"):
        pass
    with timed(None, name="by_keyword"):
        pass
    snap = pt.snapshot()
    assert snap["subclassed"].calls == 1 and snap["by_keyword"].calls == 2
    assert timed(name="by_keyword") is timed("by_keyword")
    assert repr(timed("by_keyword")) == "timed('by_keyword')"
    assert timed("by_keyword").name == "by_keyword"
    assert repr(timed()) == "timed(None)" and timed().name is None


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: timed(3), TypeError, "name must be a str, not int"),
        (lambda: timed(""), ValueError, "name must not be empty"),
        (lambda: timed(name=""), ValueError, "must not be empty"),
        (lambda: timed("a", "b"), TypeError, "positional argument"),
        (lambda: timed("a", name="b"), TypeError, "once"),
        (lambda: timed(label="x"), TypeError, "unexpected keyword argument 'label'"),
        (lambda: timed(b="1", a="2"), TypeError, "unexpected keyword argument 'a'"),
    ],
)
def test_bad_arguments_keep_their_errors(call, error, message):
    for _ in range(2):  # the second time, nothing bad may have been cached
        with pytest.raises(error, match=message):
            call()


def test_timed_cannot_be_subclassed_or_patched():
    with pytest.raises(TypeError):
        type("Sub", (timed,), {})
    with pytest.raises(TypeError):
        timed.extra = 1


def test_concurrent_inline_blocks_on_many_threads():
    bad = []

    def work():
        for i in range(2_000):
            with timed("threaded_inline"):
                with timed("threaded_inner"):
                    pass
            name = f"{threading.get_ident()}-{i}"
            with Timer(name) as t:
                pass
            if t.name != name or t.result.name != name:
                bad.append((name, t.name))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    snap = pt.snapshot()
    assert snap["threaded_inline"].calls == snap["threaded_inner"].calls == 8_000
    assert not bad, bad[:3]


# --- with: bound methods handed out without allocating ---------------------------------------


def test_with_binds_like_ordinary_methods():
    stage = timed("bound")
    with stage as entered:
        assert entered is stage
    assert stage.__enter__.__self__ is stage and stage.__exit__.__self__ is stage
    assert stage.__enter__.__name__ == "__enter__"
    assert "built-in method __exit__ of" in repr(stage.__exit__)
    assert inspect.ismethoddescriptor(timed.__enter__)
    assert str(inspect.signature(timed.__exit__)) == (
        "(self, exc_type=None, exc_value=None, traceback=None, /)"
    )
    timed.__enter__(stage)  # called through the class, as contextlib.ExitStack does
    assert timed.__exit__(stage, None, None, None) is False
    with contextlib.ExitStack() as stack:
        stack.enter_context(timed("bound"))
    assert pt.snapshot()["bound"].calls == 3


def test_timer_methods_held_by_the_caller_are_never_repointed():
    first = Timer("first")
    held_enter, held_exit = first.__enter__, first.__exit__
    timers = []
    for i in range(20):  # more than the pool holds, nested and not
        with Timer(f"t{i}") as t, Timer(f"u{i}") as u:
            timers.append((t, u))
    assert held_enter.__self__ is first and held_exit.__self__ is first
    assert held_enter() is first
    assert held_exit(None, None, None) is False
    assert first.stopped and first.result.iterations == 1
    for t, u in timers:
        assert t.stopped and u.stopped
        assert t.result.duration_secs >= u.result.duration_secs


def test_deeply_nested_timers_each_keep_their_own_result():
    def nest(depth):
        with Timer(f"level{depth}") as t:
            if depth:
                inner = nest(depth - 1)
                assert inner.stopped
        return t

    outer = nest(12)
    assert outer.result.name == "level12" and outer.stopped


def test_timer_with_exception_and_the_unnamed_timed_error():
    with pytest.raises(ZeroDivisionError):
        with Timer("boom") as t:
            1 / 0
    assert t.stopped and t.result is not None
    with pytest.raises(TypeError, match="needs a name"):
        with timed():
            pass


# --- Timer: clock and construction ----------------------------------------------------------


def test_timer_agrees_with_perf_counter():
    start = time.perf_counter()
    with Timer("sleep") as t:
        time.sleep(0.05)
    outer = time.perf_counter() - start
    assert 0.05 <= t.result.duration_secs <= outer


def test_timers_dropped_and_made_again_start_fresh():
    for i in range(50):  # the thread's dropped timers are reused: each must look new
        t = Timer(f"r{i}")
        assert t.name == f"r{i}" and not t.stopped and t.result is None
        assert 0 <= t.elapsed() < 1.0
        if i % 2:
            assert t.stop(iterations=3).iterations == 3
        else:
            with t:
                pass
        assert t.stopped and t.result.name == f"r{i}"
        del t
    kept = [Timer(f"k{i}") for i in range(10)]  # timers still referred to are never reused
    others = [Timer("other").stop() for _ in range(10)]
    assert [t.name for t in kept] == [f"k{i}" for i in range(10)]
    assert len({id(t) for t in kept}) == 10 and not any(t.stopped for t in kept)
    assert all(r.name == "other" for r in others)


def test_timer_construction_forms_and_errors():
    assert Timer(name="kw").name == "kw"
    assert Timer("pos").name == "pos"
    with pytest.raises(TypeError):
        Timer(3)
    with pytest.raises(TypeError):
        Timer()
    with pytest.raises(TypeError):
        Timer("a", "b")
    with pytest.raises(ValueError, match="name must be valid Unicode"):
        Timer("\ud800")
    assert repr(Timer("r")).startswith("Timer(name='r', elapsed=")


# --- @timed: still a plain Python function ---------------------------------------------------


def test_decorated_function_is_still_a_function():
    assert inspect.isfunction(module_level_decorated)
    assert module_level_decorated.__doc__ == "Doubles."
    assert module_level_decorated.__wrapped__.__name__ == "module_level_decorated"
    assert pickle.loads(pickle.dumps(module_level_decorated)) is module_level_decorated
    assert module_level_decorated(3) == 6
    assert module_level_decorated(x=4) == 8
    assert pt.snapshot()["module_level_decorated"].calls == 2


def test_decorator_by_keyword_and_on_generators():
    def gen():
        yield 1

    wrapped = timed(gen, name="gen_creation")
    assert list(wrapped()) == [1]
    assert pt.snapshot()["gen_creation"].calls == 1
    with pytest.raises(TypeError, match="callable"):
        timed("x")(42)
