"""Print one of the README's two set-up commands, so CI runs exactly what the README says.

`main`: the first command without its install step (the wheel is installed instead);
`test`: the second command, whole.
"""

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def commands() -> list[str]:
    setup = README.read_text(encoding="utf-8").split("## Set up", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", setup, re.S)]


if __name__ == "__main__":
    main, test = commands()[:2]
    if sys.argv[1:] == ["main"]:
        install, _, job = main.partition(" && ")
        assert install.startswith("pip install"), install
        print(job)
    elif sys.argv[1:] == ["test"]:
        print(test)
    else:
        sys.exit("usage: readme_commands.py main|test")
