"""One call at a time per cache key, so concurrent samples that ask the same thing ask once.

Inspect looks a call up in its cache before making it and stores it after, so two samples
that send the same prompt at the same moment both miss and both call. Samples that share a
call (a question's two hint arms share its unhinted generation and the blind monitor's
verdict on it, and every hint task with the plain format shares both) wait here for the
first one's call, then read it from the cache.
"""

from __future__ import annotations

import asyncio
import hashlib
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


@asynccontextmanager
async def one_call_at_a_time(key: str) -> AsyncIterator[None]:
    """Serialize, within one event loop, the calls made under the same `key` (the text a
    cache hit depends on: the prompt, the model, the epoch)."""
    locks = _locks.setdefault(asyncio.get_running_loop(), {})
    lock = locks.setdefault(hashlib.sha256(key.encode()).hexdigest(), asyncio.Lock())
    async with lock:
        yield
