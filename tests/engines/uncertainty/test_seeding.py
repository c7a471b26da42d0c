"""The streams seeded for many blocks at once are NumPy's own: each block's key is
SeedSequence's, each stream's SFC64 state the one the one-at-a-time seeding leaves, and a
chunk's streams draw the same numbers either way."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.uncertainty.sampling import BlockStreams, block_streams, stream_id
from genofab.engines.uncertainty.seeding import block_keys, stream_states

SEEDS = [0, 1, 7, 2**32 - 1, 2**32, 2**64 + 5, 2**127 + 3, 2**130 + 17, 3**200]
BLOCKS = [0, 1, 2, 999, 2**31, 2**32 - 1]
NAMES = ["process.steps[1].titer", "#lot_failures", "#correlation", "economics.x"]


def numpy_key(seed: int, block: int) -> np.ndarray:
    return np.random.SeedSequence(seed, spawn_key=(block,)).generate_state(2, np.uint64)


@pytest.mark.parametrize("seed", SEEDS)
def test_block_keys_are_seed_sequence_keys(seed: int) -> None:
    expected = np.array([numpy_key(seed, block) for block in BLOCKS])
    assert np.array_equal(block_keys(seed, BLOCKS), expected)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**160), st.lists(st.integers(0, 2**33), min_size=1, max_size=4))
def test_block_keys_for_any_seed_and_block(seed: int, blocks: list[int]) -> None:
    # blocks beyond 32 bits take two words of spawn key: NumPy computes those
    expected = np.array([numpy_key(seed, block) for block in blocks])
    assert np.array_equal(block_keys(seed, blocks), expected)


@pytest.mark.parametrize("seed", [0, 1, 2**70 + 3])
def test_stream_states_are_those_of_one_stream_at_a_time(seed: int) -> None:
    blocks = [0, 5, 77, 2**32 - 1]
    numbers = [stream_id(name) for name in NAMES] + [0, 1, 2**32 - 1]
    states = stream_states(block_keys(seed, blocks), numbers)
    for i, block in enumerate(blocks):
        one_at_a_time = BlockStreams(seed, block)
        for j, number in enumerate(numbers):
            state = one_at_a_time.stream(number).bit_generator.state["state"]["state"]
            assert np.array_equal(np.asarray(state, dtype=np.uint64), states[i, j])


def test_seeded_streams_draw_the_same_numbers() -> None:
    seeded = block_streams(11, range(3, 6), NAMES)
    plain = block_streams(11, range(3, 6))
    for fast, slow in zip(seeded, plain, strict=True):
        for name in [*NAMES, "not seeded ahead"]:
            drawn = fast.stream(name).random(50)
            assert np.array_equal(drawn, slow.stream(name).random(50))
            assert np.array_equal(
                drawn, BlockStreams(11, 3 + seeded.index(fast)).stream(name).random(50)
            )
