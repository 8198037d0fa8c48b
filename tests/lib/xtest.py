# xtest.py - a tiny TAP runner and assertion helpers for the integration tests.
#
# A test file registers functions with @test, then calls run():
#
#     from xtest import test, run, eq
#
#     @test
#     def ping_answers(t):
#         eq(answer, {"ok": True}, "reply to ping")
#
#     run()
#
# Each test gets a Case object T: t.defer(fn, *args) registers a cleanup
# that runs even when the test fails (last in, first out), t.note(msg)
# prints a "# " diagnostic. Exceptions become "not ok" with the traceback
# as "# " lines; skip(reason) becomes "ok N - name # SKIP reason". run()
# exits 1 if any test failed. A test that runs longer than its timeout
# (default 120 s, XTEST_TIMEOUT overrides) fails instead of hanging make
# check. XTEST_ONLY=name1,name2 runs only those tests (the others skip).
import json
import os
import re
import signal
import sys
import traceback

__all__ = [
    "test", "run", "skip", "require_root", "is_root", "teardown",
    "Skip", "TestFailure", "fail", "ok", "eq", "ne", "lt", "le", "ge", "gt",
    "contains", "not_contains", "matches", "is_json_line", "between",
    "poll", "shared_fixture",
]


class Skip(Exception):
    """Raised by skip(); the runner reports the test as skipped."""


class TestFailure(AssertionError):
    """An assertion helper failed; its message is the diagnostic."""


class _Timeout(BaseException):
    pass


_tests = []
_teardowns = []


class Case:
    """What a running test gets: cleanups and diagnostics."""

    def __init__(self, name):
        self.name = name
        self._cleanups = []
        self.notes = []

    def defer(self, fn, *args, **kwargs):
        self._cleanups.append((fn, args, kwargs))

    def note(self, msg):
        for line in str(msg).splitlines() or [""]:
            self.notes.append(line)

    def _cleanup(self):
        errors = []
        while self._cleanups:
            fn, args, kwargs = self._cleanups.pop()
            try:
                fn(*args, **kwargs)
            except Exception:  # noqa: BLE001 - report, keep cleaning
                errors.append(traceback.format_exc())
        return errors


def test(fn=None, *, name=None, timeout=None):
    """Register FN as a test case: @test, or @test(name=..., timeout=...)."""

    def register(f):
        _tests.append((name or f.__name__, f, timeout))
        return f

    if fn is not None:
        return register(fn)
    return register


def teardown(fn):
    """Run FN once after every test has run (for shared fixtures)."""
    _teardowns.append(fn)
    return fn


def shared_fixture(build, what):
    """Return a function that gives the fixture BUILD(s) makes, once.

    S starts with S.closers = []; BUILD adds attributes to it and
    appends the functions that undo them, which run last first once
    every test has run. If BUILD fails, every test that asks fails
    with "WHAT failed: ..." (or skips, or fails with BUILD's own
    assertion)."""
    class Fixture:
        pass

    done = {}

    def get():
        if not done:
            done["s"] = s = Fixture()
            s.closers = []
            try:
                build(s)
            except BaseException as e:  # noqa: BLE001 - every test sees it
                done["error"] = e
        e = done.get("error")
        if e is not None:
            if isinstance(e, (Skip, AssertionError)):
                raise e
            raise AssertionError("%s failed: %r" % (what, e))
        return done["s"]

    @teardown
    def _close():
        if done:
            for fn in reversed(done["s"].closers):
                fn()

    return get


def skip(reason):
    raise Skip(reason)


def is_root():
    return os.geteuid() == 0


def require_root():
    if not is_root():
        skip("needs root (run make check as root)")


# --- assertions -----------------------------------------------------------

def _show(v, limit=2000):
    s = repr(v)
    if len(s) > limit:
        s = s[:limit] + "... (%d chars)" % len(s)
    return s


def fail(msg):
    raise TestFailure(msg)


def ok(cond, what="condition"):
    if not cond:
        fail("%s: expected true, got %s" % (what, _show(cond)))
    return cond


def eq(actual, expected, what="value"):
    if actual != expected:
        fail("%s:\n  expected: %s\n  actual:   %s" %
             (what, _show(expected), _show(actual)))
    return actual


def ne(actual, unexpected, what="value"):
    if actual == unexpected:
        fail("%s: expected anything but %s" % (what, _show(unexpected)))
    return actual


def lt(a, b, what="value"):
    if not a < b:
        fail("%s: expected %s < %s" % (what, _show(a), _show(b)))
    return a


def le(a, b, what="value"):
    if not a <= b:
        fail("%s: expected %s <= %s" % (what, _show(a), _show(b)))
    return a


def gt(a, b, what="value"):
    if not a > b:
        fail("%s: expected %s > %s" % (what, _show(a), _show(b)))
    return a


def ge(a, b, what="value"):
    if not a >= b:
        fail("%s: expected %s >= %s" % (what, _show(a), _show(b)))
    return a


def between(v, lo, hi, what="value"):
    if not (lo <= v <= hi):
        fail("%s: expected %s <= %s <= %s" % (what, _show(lo), _show(v),
                                              _show(hi)))
    return v


def contains(haystack, needle, what="text"):
    if needle not in haystack:
        fail("%s: expected to contain %s\n  actual: %s" %
             (what, _show(needle), _show(haystack, 4000)))
    return haystack


def not_contains(haystack, needle, what="text"):
    if needle in haystack:
        fail("%s: expected not to contain %s\n  actual: %s" %
             (what, _show(needle), _show(haystack, 4000)))
    return haystack


def matches(pattern, text, what="text", flags=re.M):
    m = re.search(pattern, text, flags)
    if not m:
        fail("%s: expected to match /%s/\n  actual: %s" %
             (what, pattern, _show(text, 4000)))
    return m


def is_json_line(data, what="reply"):
    """DATA (bytes) is exactly one line of JSON ending in newline: parsed."""
    if not isinstance(data, (bytes, bytearray)):
        fail("%s: expected bytes, got %s" % (what, _show(data)))
    if not data.endswith(b"\n"):
        fail("%s: expected one line ending in newline, got %s" %
             (what, _show(data)))
    if data.count(b"\n") != 1:
        fail("%s: expected exactly one line, got %s" % (what, _show(data)))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        fail("%s: not UTF-8 (%s): %s" % (what, e, _show(data)))
    try:
        return json.loads(text)
    except ValueError as e:
        fail("%s: not JSON (%s): %s" % (what, e, _show(data)))


def poll(fn, timeout=5.0, interval=0.1, what="condition"):
    """Call FN until it returns something true; that value, or fail with
    the last value after TIMEOUT seconds."""
    import time
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            fail("%s: not true within %.1f s; last value %s" %
                 (what, timeout, _show(v)))
        time.sleep(interval)


# --- the runner -----------------------------------------------------------

def _diag(lines):
    for line in lines:
        for sub in str(line).splitlines() or [""]:
            print("# " + sub)


def _alarm(signum, frame):
    raise _Timeout()


def run():
    only = [s for s in os.environ.get("XTEST_ONLY", "").split(",") if s]
    default_timeout = int(os.environ.get("XTEST_TIMEOUT", "120"))
    # Unbuffered-ish: the TAP driver reads as we go.
    sys.stdout.reconfigure(line_buffering=True)
    print("1..%d" % len(_tests))
    failed = 0
    old = signal.signal(signal.SIGALRM, _alarm)
    for n, (name, fn, timeout) in enumerate(_tests, 1):
        case = Case(name)
        status, reason, diag = "ok", None, []
        try:
            if only and name not in only:
                raise Skip("not selected by XTEST_ONLY")
            signal.alarm(timeout or default_timeout)
            try:
                fn(case)
            finally:
                signal.alarm(0)
        except Skip as e:
            reason = str(e)
        except _Timeout:
            status = "not ok"
            diag.append("test timed out after %d s" %
                        (timeout or default_timeout))
            diag.extend(traceback.format_exc().splitlines())
        except AssertionError as e:
            status = "not ok"
            tb = traceback.extract_tb(e.__traceback__)
            where = [f for f in tb if f.filename != __file__]
            if where:
                f = where[-1]
                diag.append("at %s:%d in %s" % (os.path.basename(f.filename),
                                                f.lineno, f.name))
            diag.extend(str(e).splitlines())
        except Exception:  # noqa: BLE001 - any error fails this test only
            status = "not ok"
            diag.extend(traceback.format_exc().splitlines())
        signal.alarm(60)
        try:
            errors = case._cleanup()
        except _Timeout:
            errors = ["cleanup timed out"]
        signal.alarm(0)
        if errors and status == "ok" and reason is None:
            status = "not ok"
            diag.append("cleanup failed:")
        for e in errors:
            diag.extend(e.splitlines())
        if status != "ok":
            failed += 1
        line = "%s %d - %s" % (status, n, name)
        if reason is not None and status == "ok":
            line += " # SKIP " + reason.replace("\n", " ")
        print(line)
        _diag(case.notes + diag)
    signal.signal(signal.SIGALRM, old)
    for fn in _teardowns:
        try:
            fn()
        except Exception:  # noqa: BLE001
            _diag(["teardown failed:"] + traceback.format_exc().splitlines())
    if failed:
        _diag(["%d of %d tests failed" % (failed, len(_tests))])
    sys.exit(1 if failed else 0)
