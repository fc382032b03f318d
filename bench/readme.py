"""Writing one benchmark's section of bench/README.md between its markers."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def write_section(begin: str, end: str, text: str, introduction: str) -> None:
    """Replace the text between `begin` and `end`, or add the section (its `introduction` first) at the end."""
    content = README.read_text(encoding="utf-8")
    if begin in content:
        head, rest = content.split(begin, 1)
        content = head + begin + "\n" + text + "\n" + end + rest.split(end, 1)[1]
    else:
        content += f"\n{introduction}{begin}\n{text}\n{end}\n"
    README.write_text(content, encoding="utf-8")
