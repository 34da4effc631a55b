"""Text from data, made safe for Streamlit markdown."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: object) -> str:
    """Text from data, safe to put into Streamlit markdown (no links, markup or LaTeX)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
