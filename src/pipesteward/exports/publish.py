"""Publishing a folder so that readers who glob never see half of it, both copies or none.

`<root>/<grain>/<name>` is a symlink to a version, `<root>/.versions/<grain>/<name>/<pid>-<hex>`.
A new version is written under `.versions` (outside the readers' glob, e.g. DuckDB's
`read_csv('<root>/day/*/investor_metrics.csv')`), then the symlink is replaced in one
`os.replace`: a reader sees the previous version or the new one, once. Under the unit's lock
(`filelock`) the superseded versions, and what processes that are no longer running left
behind, are removed. A real folder an older release published is swapped for the symlink in
one `renameat2(RENAME_EXCHANGE)` where the system has it.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipesteward.metrics.writer import _fsync_dir  # the lake writer's: one way to make it last
from pipesteward.processes import alive

VERSIONS = ".versions"
STAGING = ".tmp"  # a version still being written
LINK = ".link"  # a symlink about to replace the pointer
LOCK = ".lock"


@dataclass(frozen=True)
class Slot:
    """Where one unit is published: `root/grain/name`."""

    root: Path
    grain: str
    name: str

    @property
    def pointer(self) -> Path:
        return self.root / self.grain / self.name

    @property
    def versions(self) -> Path:
        return self.root / VERSIONS / self.grain / self.name


def _tag() -> str:
    return f"{os.getpid()}-{uuid.uuid4().hex[:8]}"


@contextmanager
def staged(slot: Slot) -> Iterator[Path]:
    """A new empty version folder of this process, to fill in the block and then `publish`;
    removed if the block fails."""
    slot.versions.mkdir(parents=True, exist_ok=True)
    slot.pointer.parent.mkdir(exist_ok=True)
    folder = slot.versions / f"{_tag()}{STAGING}"
    folder.mkdir()
    try:
        yield folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def publish(slot: Slot, folder: Path) -> Path:
    """Point the slot at the staged `folder` in one step, then remove what is superseded;
    returns the published version's folder."""
    from filelock import FileLock

    with FileLock(slot.versions / LOCK):
        version = folder.with_name(folder.name.removesuffix(STAGING))
        os.rename(folder, version)
        _fsync_dir(version)
        link = slot.versions / f"{_tag()}{LINK}"
        os.symlink(os.path.relpath(version, slot.pointer.parent), link)
        if slot.pointer.is_dir() and not slot.pointer.is_symlink():
            _replace_folder(link, slot.pointer)
        else:
            os.replace(link, slot.pointer)
        _fsync_dir(slot.pointer.parent)
        _clean(slot, version)
    return version


def _replace_folder(link: Path, pointer: Path) -> None:
    """Put `link` where an older release's real folder is, and remove that folder."""
    if _exchange(link, pointer):
        shutil.rmtree(link, ignore_errors=True)  # the folder, now at the link's path
    else:  # no atomic swap here: a moment without the unit
        os.rename(pointer, link.with_suffix(".old"))
        os.replace(link, pointer)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _owner(name: str) -> int | None:
    head = name.split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _clean(slot: Slot, keep: Path) -> None:
    """Remove every version but `keep`, except what a running process is still writing;
    and the `.tmp-`/`.old-` folders an older release left beside the pointer."""
    for entry in slot.versions.iterdir():
        if entry.name == LOCK or entry == keep:
            continue
        owner = _owner(entry.name)
        writing = entry.suffix in (STAGING, LINK)
        if writing and owner is not None and alive(owner):
            continue
        _remove(entry)
    for prefix in (".tmp-", ".old-"):
        for entry in slot.pointer.parent.glob(f"{prefix}{slot.name}-*"):
            _remove(entry)


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        entry.unlink(missing_ok=True)
