"""Raw Monte Carlo samples as a Parquet file, written chunk by chunk (memory stays bounded)
through a temporary file that replaces the target only when every chunk was written."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from genofab.errors import OutputError, UsageError
from genofab.io.files import temporary_beside

Columns = Mapping[str, NDArray[Any]]
WriteChunk = Any


@contextmanager
def parquet_samples(path: Path, metadata: Mapping[str, str]) -> Iterator[WriteChunk]:
    """A function writing one chunk of columns (name → array) at a time into ``path``; the
    file appears whole when the block succeeds and not at all otherwise. ``metadata`` is
    stored in the file (seed, version, units, status codes ...)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - parquet is part of dev
        raise UsageError("--raw needs pyarrow: pip install 'genofab[parquet]'") from None
    path = Path(path)
    if path.suffix.lower() != ".parquet":
        raise OutputError(f"'{path}': raw samples are written as Parquet; name it *.parquet")
    temporary = temporary_beside(path)
    writer: list[Any] = []

    def write(columns: Columns) -> None:
        table = pa.table({name: pa.array(np.asarray(column)) for name, column in columns.items()})
        if not writer:
            schema = table.schema.with_metadata(dict(metadata))
            writer.append(pq.ParquetWriter(str(temporary), schema, compression="zstd"))
        writer[0].write_table(table.replace_schema_metadata(dict(metadata)))

    try:
        yield write
        if writer:
            writer[0].close()
        os.replace(temporary, path)
    except BaseException as error:
        if writer:
            writer[0].close()
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(f"cannot write '{path}': {error.strerror or error}") from None
        raise


def parquet_bytes(columns: Mapping[str, Any], metadata: Mapping[str, str]) -> bytes:
    """A small table (name → column) as the bytes of a Parquet file, ``metadata`` stored in
    it; for a download, never written to disk."""
    import io

    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - parquet is part of dev and web
        raise UsageError("Parquet files need pyarrow: pip install 'genofab[parquet]'") from None
    table = pa.table({name: pa.array(list(column)) for name, column in columns.items()})
    buffer = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(dict(metadata)), buffer, compression="zstd")
    return buffer.getvalue()
