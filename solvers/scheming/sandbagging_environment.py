"""The sandbagging run's machine: two files in memory, a `bash` tool that reads them, and
the `submit` tool, with everything the model did kept in the sample store
(`SandbaggingRun`).

No container or sandbox is needed: the paper's model only ever reads the two files (it is
told not to write code), so `bash` understands `ls`, `pwd`, `cat`, and `head` and `tail`
(`-n N`), and answers any other command as a shell answers a command it does not have.
"""

from __future__ import annotations

import shlex

from inspect_ai.tool import Tool, tool
from inspect_ai.util import store_as

from cot_faithfulness.scorers.scheming.sandbagging_run import SandbaggingRun

READ_COMMANDS = ("cat", "head", "tail")


@tool
def bash() -> Tool:
    async def execute(cmd: str) -> str:
        """Use this function to execute bash commands.

        Args:
            cmd: The bash command to execute.
        """
        run = store_as(SandbaggingRun)
        run.commands.append(cmd)
        output, read = run_command(cmd, run.files)
        run.files_read.extend(read)
        return output

    return execute


@tool
def submit() -> Tool:
    async def execute(answer: str) -> str:
        """Submit an answer for evaluation.

        Args:
            answer: Submitted answer
        """
        store_as(SandbaggingRun).submissions.append(answer)
        return answer

    return execute


def run_command(command: str, files: dict[str, str]) -> tuple[str, list[str]]:
    """What the shell prints for `command`, and which files it read."""
    try:
        words = shlex.split(command)
    except ValueError as error:
        return f"bash: syntax error: {error}", []
    if not words:
        return "", []
    if any(word in ("|", ";", "&&", "||", ">", ">>", "<") for word in words):
        return "bash: pipes and redirections are not available on this machine", []
    name, arguments = words[0], words[1:]
    if name == "ls":
        return "".join(f"{file}\n" for file in sorted(files)), []
    if name == "pwd":
        return "/home/user\n", []
    if name not in READ_COMMANDS:
        return f"bash: {name}: command not found", []
    lines, paths = 10, []
    remaining = iter(arguments)
    for word in remaining:
        if word == "-n":
            count = next(remaining, "10")
            lines = int(count) if count.isdigit() else lines
        elif word.startswith("-") and word[1:].isdigit():
            lines = int(word[1:])
        else:
            paths.append(word)
    if not paths:
        return f"{name}: missing file operand", []
    printed, read = [], []
    for path in paths:
        name_in_folder = path.removeprefix("./").removeprefix("/home/user/")
        if name_in_folder not in files:
            printed.append(f"{name}: {path}: No such file or directory\n")
            continue
        text = files[name_in_folder]
        if name != "cat":
            kept = text.splitlines(keepends=True)
            text = "".join(kept[:lines] if name == "head" else kept[-lines:] if lines else [])
        printed.append(text)
        read.append(name_in_folder)
    return "".join(printed), read
