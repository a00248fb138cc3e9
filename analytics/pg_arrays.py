"""numpy arrays sent to PostgreSQL as binary arrays, encoded by numpy in one go.

psycopg dumps a Python list element by element (about 1 µs each); a trace of 10⁵ pipes sends
several such arrays. :func:`int8_array`, :func:`float8_array` and :func:`bool_array` wrap a
numpy array so that it is sent in PostgreSQL's binary array format instead (use ``%(name)b``
placeholders). Register the dumpers on a connection with :func:`register`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from psycopg.adapt import Dumper
from psycopg.pq import Format

# element type oid, array type oid, big-endian element dtype, element size
_INT8 = (20, 1016, ">i8", 8)
_FLOAT8 = (701, 1022, ">f8", 8)
_BOOL = (16, 1000, "?", 1)


@dataclass(frozen=True)
class PgArray:
    """A one-dimensional array without NULLs, already in PostgreSQL's binary format."""

    encoded: bytes


class Int8Array(PgArray):
    pass


class Float8Array(PgArray):
    pass


class BoolArray(PgArray):
    pass


def _encode(values: npt.ArrayLike, spec: tuple[int, int, str, int]) -> bytes:
    element_oid, _, dtype, size = spec
    data = np.asarray(values).ravel()
    if data.size == 0:
        return struct.pack(">iii", 0, 0, element_oid)
    header = struct.pack(">iiiii", 1, 0, element_oid, data.size, 1)
    body = np.empty(data.size, dtype=np.dtype([("length", ">i4"), ("value", dtype)]))
    body["length"] = size
    body["value"] = data
    return header + body.tobytes()


def int8_array(values: npt.ArrayLike) -> Int8Array:
    return Int8Array(_encode(values, _INT8))


def float8_array(values: npt.ArrayLike) -> Float8Array:
    return Float8Array(_encode(values, _FLOAT8))


def bool_array(values: npt.ArrayLike) -> BoolArray:
    return BoolArray(_encode(values, _BOOL))


def _dumper(array_oid: int) -> type[Dumper]:
    class ArrayDumper(Dumper):
        format = Format.BINARY
        oid = array_oid

        def dump(self, obj: Any) -> bytes:
            encoded: bytes = obj.encoded
            return encoded

    return ArrayDumper


_DUMPERS: tuple[tuple[type[PgArray], type[Dumper]], ...] = (
    (Int8Array, _dumper(_INT8[1])),
    (Float8Array, _dumper(_FLOAT8[1])),
    (BoolArray, _dumper(_BOOL[1])),
)


def register(driver_connection: Any) -> None:
    """Teach a psycopg connection to send the wrappers (idempotent and cheap)."""
    for cls, dumper in _DUMPERS:
        driver_connection.adapters.register_dumper(cls, dumper)
