"""Object-store URIs (`s3://`, `gs://`, any protocol fsspec knows), read through fsspec.

A folder of Parquet files is streamed from the store batch by batch (`dataset_reader.py`); a
single file (CSV, TSV, JSONL or Parquet) is downloaded once to a temporary copy (hashed on the
way), because the readers read a file several times (its sample, its header, the pass, the
line of a bad row). The filesystem package
of a protocol (`s3fs` for s3) is imported only when such a URI is read; without it the error is
one line naming the package. Writing to a URI is not supported: outputs are local files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from dataaudit.errors import InputError

URI = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+)://")
#: the package fsspec needs for a protocol, named in the error when it is missing
PACKAGES = {"s3": "s3fs", "s3a": "s3fs", "gs": "gcsfs", "gcs": "gcsfs", "az": "adlfs", "abfs": "adlfs",
            "abfss": "adlfs", "http": "aiohttp", "https": "aiohttp", "hf": "huggingface_hub"}


def uri_protocol(data: object) -> str | None:
    """The protocol of an object-store URI (`s3`), None for a local path (`file://` is one)."""
    match = URI.match(data) if isinstance(data, str) else None
    return match.group(1).lower() if match and match.group(1).lower() != "file" else None


def storage_options(pairs: Iterable[str]) -> dict[str, Any]:
    """`KEY=VALUE` pairs (`--storage-option endpoint_url=http://...`) as the filesystem's keyword
    arguments; `true` and `false` become booleans (`anon=true`), every other value stays text."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--storage-option takes KEY=VALUE (e.g. endpoint_url=http://localhost:9000), "
                             f"not {pair!r}")
        options[key.strip()] = {"true": True, "false": False}.get(value.lower(), value)
    return options


def filesystem(uri: str, options: Mapping[str, Any] | None) -> tuple[Any, str]:
    """The fsspec filesystem of `uri` and the path inside it; one line when the protocol's
    package is missing, unknown, or refuses the options."""
    protocol = uri_protocol(uri) or "file"
    package = PACKAGES.get(protocol)
    try:
        import fsspec

        return fsspec.core.url_to_fs(uri, **dict(options or {}))
    except ImportError:
        needed = package or "fsspec"
        raise InputError(f"{uri}: reading {protocol}:// needs the {needed} package: pip install {needed}") from None
    except (ValueError, TypeError) as exc:
        raise InputError(f"{uri}: cannot open {protocol}:// ({first_line(exc)})") from None


def describe(fs: Any, path: str, uri: str) -> dict[str, Any]:
    """The store's entry for `path` (type, size), or the store's refusal in one line: a missing
    bucket or key, no credentials, an endpoint that does not answer."""
    try:
        return fs.info(path)
    except FileNotFoundError:
        raise InputError(f"{uri}: no such file or folder") from None
    except PermissionError:
        raise InputError(f"{uri}: permission denied") from None
    except Exception as exc:  # each store has its own errors (botocore's, google-auth's); all end here
        raise InputError(f"{uri}: cannot read: {first_line(exc)}") from None


def first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]
