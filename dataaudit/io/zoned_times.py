"""Times of a named zone in CSV and TSV, written as the instant they are.

Arrow's CSV writer spells a time of a zone (`timestamp[us, tz=Europe/Paris]`) as its local time
and UTC offset, `1960-06-01 13:44:30.000000+0100`, and cuts the offset to whole minutes. Where a
zone's offset had seconds (local mean time, before a country took a standard zone: Paris until
1911, Africa/Monrovia until 1972 at -00:44:30), the time it writes is up to a minute off the one
the file held. A column of a named zone is therefore written as text: Arrow's own spelling where
the offset is whole minutes, and the time in UTC (`1960-06-01 12:44:30.000000Z`) where it is not,
so that every value reads back as the same instant. A column in UTC or at a fixed offset
(`+05:30`) has no such offset and is left to the writer.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.io.column_text import columns_as_text, schema_as_text

#: counts of each Arrow timestamp unit in a minute
_PER_MINUTE = {"s": 60, "ms": 60 * 10**3, "us": 60 * 10**6, "ns": 60 * 10**9}


def zoned_times_as_text(batch: pa.RecordBatch) -> pa.RecordBatch:
    """`batch` with each column of a named zone's times replaced by their text, nulls kept; the
    same object when it has none."""
    return columns_as_text(batch, _of_named_zone, _texts)


def zoned_times_as_text_schema(schema: pa.Schema) -> pa.Schema:
    """The schema `zoned_times_as_text` gives batches of `schema`."""
    return schema_as_text(schema, _of_named_zone)


def _of_named_zone(kind: pa.DataType) -> bool:
    """Times of a zone named in the tz database, stored plain or dictionary-encoded: UTC and a
    fixed offset (`+05:30`, `-0800`) hold no offset of seconds."""
    kind = kind.value_type if pa.types.is_dictionary(kind) else kind
    return pa.types.is_timestamp(kind) and kind.tz is not None and kind.tz != "UTC" and kind.tz[:1] not in "+-"


def _texts(column: pa.Array) -> pa.Array:
    """Arrow's spelling of each time (local time and offset), in UTC where the offset of the
    time's zone at that instant is not a whole number of minutes."""
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    texts = column.cast(pa.string())
    utc = column.cast(pa.int64()).fill_null(0).to_numpy()
    local = pc.local_timestamp(column).cast(pa.int64()).fill_null(0).to_numpy()
    off_the_minute = (local - utc) % _PER_MINUTE[column.type.unit] != 0
    if not off_the_minute.any():
        return texts
    in_utc = column.cast(pa.timestamp(column.type.unit, "UTC")).cast(pa.string())
    return pc.if_else(pa.array(off_the_minute), in_utc, texts)
