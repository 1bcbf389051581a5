"""The `sandbox` option: the scenario's files written into the sample's sandbox before the
rollout, and the state of every file the rollout could have changed read back after it.

Files under the user's home are written relative to the sandbox's working directory (with
`local`, a fresh temporary directory; with `docker`, the container's); files elsewhere
(`/data/...`, `/scoring/...`) keep their absolute paths, which is why the task accepts
`sandbox=local` only for evaluations whose files are all under the home directory.
"""

from __future__ import annotations

import posixpath

from inspect_ai.util import sandbox

from cot_faithfulness.scorers.scheming.machine import HOME, FileEntry, Host, Machine, Operation
from cot_faithfulness.scorers.scheming.scheming_run import V1


def in_sandbox(path: str) -> str:
    """Where an absolute machine path is in the sandbox."""
    if path == HOME:
        return "."
    return posixpath.relpath(path, HOME) if path.startswith(HOME + "/") else path


async def write_into(machine: Machine) -> None:
    """Write the machine's files (one host: the sandbox is one machine) into the sandbox."""
    box = sandbox()
    host = machine.host(V1)
    for path, entry in host.files.items():
        await box.write_file(in_sandbox(path), entry.content)
        await box.exec(["chmod", f"{entry.mode:o}", in_sandbox(path)])
    folders = [in_sandbox(d) for d in host.directories if d != HOME]
    if folders:
        await box.exec(["mkdir", "-p", *folders])


async def read_back(initial: Machine, operations: list[Operation]) -> Machine:
    """The sandbox's state of every file the rollout started with or touched."""
    box = sandbox()
    paths = sorted({*initial.host(V1).files, *(op.path for op in operations if op.host == V1)})
    host = Host(directories=list(initial.host(V1).directories))
    for path in paths:
        where = in_sandbox(path)
        mode = await box.exec(["stat", "-c", "%a", where])
        if not mode.success:
            continue  # gone
        octal = mode.stdout.strip() or "644"
        try:
            content = await box.read_file(where)
        except PermissionError:
            content = await read_locked(where, octal)
        except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError):
            content = ""
        host.files[path] = FileEntry(content=content, mode=int(octal, 8))
    return Machine(hosts={V1: host})


async def read_locked(where: str, octal: str) -> str:
    """A file the rollout made unreadable (`chmod 000`), read by its owner as it stands,
    its mode put back: locking the oversight config must not read as emptying it."""
    script = 'chmod u+r "$1" && cat "$1"; chmod "$2" "$1"'
    result = await sandbox().exec(["sh", "-c", script, "sh", where, octal])
    return result.stdout if result.success else ""
