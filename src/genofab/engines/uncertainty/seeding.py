"""The seeding of a Monte Carlo's random streams, for many blocks and streams at once.

:class:`~genofab.engines.uncertainty.sampling.BlockStreams` seeds one stream at a time
through NumPy: the block's key is ``SeedSequence(seed, spawn_key=(block,))``'s first 128 bits,
and a stream's SFC64 generator starts from 192 bits of Philox4x64-10 under that key at the
counter of the stream's hash, with twelve outputs skipped. Each step is a few microseconds of
calls, and a chunk of 100 blocks seeds about 1,100 streams. The same arithmetic is done here
on arrays (SeedSequence's 32-bit hash mixing, Philox's rounds with 64 × 64 → 128-bit products
from 32-bit halves, SFC64's twelve steps), giving the very same words: the tests compare them
with NumPy's for many seeds, blocks and streams. Unsigned NumPy integers wrap silently, as the
C code does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

Words = NDArray[np.uint64]

_M32 = 0xFFFFFFFF
# numpy.random.SeedSequence's constants (pool of four 32-bit words)
_POOL = 4
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_XSHIFT = np.uint32(16)
# Philox4x64-10 (Random123)
_PHILOX_M = (0xD2E7470EE14C6C93, 0xCA5A826395121157)
_PHILOX_W = (0x9E3779B97F4A7C15, 0xBB67AE8584CAA73B)
_LOW32 = np.uint64(_M32)
_HALF = np.uint64(32)
#: Outputs of a stream's SFC64 generator skipped after seeding (NumPy's own seeding does so).
SKIPPED = 12


def block_keys(seed: int, blocks: Sequence[int]) -> Words:
    """Each block's Philox key (rows of two words):
    ``SeedSequence(seed, spawn_key=(block,)).generate_state(2, np.uint64)``."""
    numbers = np.asarray(blocks, dtype=np.int64)
    if seed < 0 or (numbers.size and (numbers.min() < 0 or numbers.max() > _M32)):
        return np.array(
            [
                np.random.SeedSequence(seed, spawn_key=(int(b),)).generate_state(2, np.uint64)
                for b in numbers
            ],
            dtype=np.uint64,
        ).reshape(-1, 2)
    run = _uint32_words(seed)
    run += [0] * (_POOL - len(run))  # a spawned sequence pads its entropy to the pool
    size = numbers.size
    entropy = [np.full(size, word, dtype=np.uint32) for word in run]
    entropy.append(numbers.astype(np.uint32))
    hash_const = _INIT_A

    def hashmix(value: NDArray[np.uint32]) -> NDArray[np.uint32]:
        nonlocal hash_const
        value = value ^ np.uint32(hash_const)
        hash_const = (hash_const * _MULT_A) & _M32
        value = value * np.uint32(hash_const)
        return value ^ (value >> _XSHIFT)

    def mix(x: NDArray[np.uint32], y: NDArray[np.uint32]) -> NDArray[np.uint32]:
        result: NDArray[np.uint32] = x * np.uint32(_MIX_L) - y * np.uint32(_MIX_R)
        return result ^ (result >> _XSHIFT)

    pool = [hashmix(entropy[i]) for i in range(_POOL)]
    for source in range(_POOL):
        for target in range(_POOL):
            if source != target:
                pool[target] = mix(pool[target], hashmix(pool[source]))
    for source in range(_POOL, len(entropy)):
        for target in range(_POOL):
            pool[target] = mix(pool[target], hashmix(entropy[source]))
    hash_const = _INIT_B
    state = []
    for i in range(4):  # two 64-bit words, each from two 32-bit ones (little end first)
        value = pool[i % _POOL] ^ np.uint32(hash_const)
        hash_const = (hash_const * _MULT_B) & _M32
        value = value * np.uint32(hash_const)
        state.append((value ^ (value >> _XSHIFT)).astype(np.uint64))
    return np.stack([state[0] | (state[1] << _HALF), state[2] | (state[3] << _HALF)], axis=1)


def stream_states(keys: Words, streams: Sequence[int]) -> Words:
    """The SFC64 state (four words) of each block's stream, shape (blocks, streams, 4), as
    :meth:`BlockStreams.stream` leaves it: three words of Philox4x64-10 under the block's key
    at counter (1, 0, 0, stream) (NumPy's Philox increments its counter before it draws),
    SFC64's counter word 1, then :data:`SKIPPED` steps."""
    k0, k1 = keys[:, 0:1], keys[:, 1:2]
    ids = np.asarray(streams, dtype=np.uint64)[None, :]
    one, zero = np.ones((1, 1), dtype=np.uint64), np.zeros((1, 1), dtype=np.uint64)
    a, b, c, _ = _philox((one, zero, zero, ids), (k0, k1))
    a, b, c = (np.array(word) for word in np.broadcast_arrays(a, b, c))
    counter = 1
    for _ in range(SKIPPED):
        step = a + b + np.uint64(counter)
        counter += 1
        a = b ^ (b >> np.uint64(11))
        b = c + (c << np.uint64(3))
        c = ((c << np.uint64(24)) | (c >> np.uint64(40))) + step
    return np.stack([a, b, c, np.full(a.shape, counter, dtype=np.uint64)], axis=-1)


def _philox(
    counter: tuple[Words, Words, Words, Words], key: tuple[Words, Words]
) -> tuple[Words, Words, Words, Words]:
    """Philox4x64-10 of counters under keys (arrays that broadcast together)."""
    c0, c1, c2, c3 = counter
    k0, k1 = key
    for round_ in range(10):
        if round_:
            k0, k1 = k0 + np.uint64(_PHILOX_W[0]), k1 + np.uint64(_PHILOX_W[1])
        low0, high0 = _multiply(c0, _PHILOX_M[0])
        low1, high1 = _multiply(c2, _PHILOX_M[1])
        c0, c1, c2, c3 = high1 ^ c1 ^ k0, low1, high0 ^ c3 ^ k1, low0
    return c0, c1, c2, c3


def _multiply(a: Words, m: int) -> tuple[Words, Words]:
    """The low and high 64-bit words of a × m, from products of 32-bit halves."""
    m0, m1 = np.uint64(m & _M32), np.uint64(m >> 32)
    a0, a1 = a & _LOW32, a >> _HALF
    p00, p01, p10, p11 = a0 * m0, a0 * m1, a1 * m0, a1 * m1
    middle = (p00 >> _HALF) + (p01 & _LOW32) + (p10 & _LOW32)
    high = p11 + (p01 >> _HALF) + (p10 >> _HALF) + (middle >> _HALF)
    return a * np.uint64(m), high


def _uint32_words(number: int) -> list[int]:
    """A non-negative integer as 32-bit words, least significant first (0 is one word)."""
    words = [0] if number == 0 else []
    while number > 0:
        words.append(number & _M32)
        number >>= 32
    return words
