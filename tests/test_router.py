"""Every handler and filter of the router runs on the event loop: aiogram hands a plain
callable (a sync function, a bare magic filter `F.text`) to a thread for each update, a
hand-off that cost about a seventh of an update's CPU (bot/filters.py `Magic`)."""

from __future__ import annotations

from typing import Any


def callables_of(router: Any) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for name, observer in router.observers.items():
        for callable_object in observer._handler.filters or ():
            found.append((f"{router.name}.{name} filter", callable_object))
        for handler in observer.handlers:
            found.append((f"{router.name}.{name} {handler.callback.__name__}", handler))
            for callable_object in handler.filters or ():
                found.append((f"{router.name}.{name} {handler.callback.__name__}", callable_object))
    for child in router.sub_routers:
        found.extend(callables_of(child))
    return found


def test_no_handler_or_filter_runs_in_a_thread() -> None:
    from handlers import build_router

    found = callables_of(build_router())
    assert len(found) > 40  # the whole tree was walked
    in_threads = [where for where, callable_object in found if not callable_object.awaitable]
    assert in_threads == []


def test_the_dispatchers_error_filters_run_on_the_loop() -> None:
    import inspect

    from bot.app import _not_transient

    assert inspect.iscoroutinefunction(_not_transient)
