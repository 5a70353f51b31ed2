"""A cheap guard beside the browser test: no template carries what the
Content-Security-Policy blocks (style attributes, <style>, inline scripts, on* handlers)."""

from __future__ import annotations

import re
from pathlib import Path

import sustain

TEMPLATES = sorted(Path(sustain.__file__).parent.glob("*/templates/**/*.html"))
BLOCKED = [
    (re.compile(r"\sstyle=\""), "a style attribute (use a class in sustain.css)"),
    (re.compile(r"<style[\s>]"), "a <style> element (put the rules in sustain.css)"),
    (re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*nonce=)[^>]*>"), "an inline <script>"),
    (re.compile(r"\son[a-z]+=\""), "an on* event handler attribute"),
]


def test_it_finds_the_templates() -> None:
    assert len(TEMPLATES) > 40


def test_no_template_has_what_the_policy_blocks() -> None:
    found = [
        f"{path.relative_to(Path(sustain.__file__).parent)}: {what}"
        for path in TEMPLATES
        for pattern, what in BLOCKED
        if pattern.search(re.sub(r"\{#.*?#\}", "", path.read_text()))
    ]
    assert found == []


def test_no_template_comment_spans_lines() -> None:
    # Django's {# #} is one line only: one that spans lines is printed on the page.
    found = [
        str(path.relative_to(Path(sustain.__file__).parent))
        for path in TEMPLATES
        if re.search(r"\{#(?:(?!#\}).)*\n", path.read_text())
    ]
    assert found == []
