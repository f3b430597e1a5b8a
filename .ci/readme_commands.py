"""Print a shell block of the README exactly as written, for ``.ci/run`` to execute.

Usage: ``python3 .ci/readme_commands.py SECTION N`` prints the N-th (from 1)
```` ```bash ```` block under the heading ``## SECTION`` of README.md. Standard
library only: it runs before any virtual environment exists.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def bash_blocks(text: str, section: str) -> list[str]:
    """The bodies of the ```` ```bash ```` blocks under ``## section``, in order."""
    match = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if match is None:
        raise SystemExit(f"README.md has no section '## {section}'")
    return re.findall(r"^```bash\n(.*?)^```", match.group(1), re.M | re.S)


def main(argv: list[str]) -> None:
    section, n = argv[1], int(argv[2])
    blocks = bash_blocks(README.read_text(encoding="utf-8"), section)
    if not 1 <= n <= len(blocks):
        raise SystemExit(f"section '## {section}' has {len(blocks)} bash blocks, not {n}")
    sys.stdout.write(blocks[n - 1])


if __name__ == "__main__":
    main(sys.argv)
