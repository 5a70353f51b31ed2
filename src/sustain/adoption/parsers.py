"""Call transcripts in: WebVTT (Zoom, Microsoft Teams), SRT, a Gong-style JSON export and
plain "Name: text" lines. Every parser returns the same turns, or raises TranscriptError
naming the file and line; nothing else escapes for any input."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

MAX_BYTES = 5 * 1024 * 1024  # a one-hour call is ~60 KB of text; 5 MB is generous


@dataclass(frozen=True)
class Turn:
    start: str  # "HH:MM:SS" or "" when the format has no times
    speaker: str
    text: str


class TranscriptError(ValueError):
    def __init__(self, filename: str, line: int | None, message: str) -> None:
        self.filename, self.line, self.message = filename, line, message
        where = f"{filename}, line {line}" if line else filename
        super().__init__(f"{where}: {message}")


_TIME = r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_CUE = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>(.*?)(?:</v>|$)", re.S)
_TAG = re.compile(r"</?[^>]+>")
_PREFIX = re.compile(r"^\s*(?:\[?(\d{1,2}:\d{2}(?::\d{2})?)\]?\s+)?([^:\[\]]{1,60}?)\s*:\s+(.+)$")


def _hms(h: str | None, m: str, s: str) -> str:
    total = int(h or 0) * 3600 + int(m) * 60 + int(s)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def _decode(filename: str, data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise TranscriptError(filename, None, f"the file is over {MAX_BYTES // 1024 // 1024} MB.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TranscriptError(filename, line, "the file is not UTF-8 text.") from None


def _merge(turns: list[Turn]) -> list[Turn]:
    """Consecutive cues of one speaker are one turn (captions split sentences)."""
    out: list[Turn] = []
    for t in turns:
        if out and out[-1].speaker == t.speaker:
            out[-1] = Turn(out[-1].start, t.speaker, f"{out[-1].text} {t.text}")
        else:
            out.append(t)
    return out


def _cues(filename: str, text: str, *, vtt: bool) -> list[Turn]:
    lines = text.splitlines()
    turns: list[Turn] = []
    i = 0
    if vtt:
        if not lines or not lines[0].startswith("WEBVTT"):
            raise TranscriptError(filename, 1, "a WebVTT file starts with “WEBVTT”.")
        i = 1
    while i < len(lines):
        line = lines[i]
        match = _CUE.match(line)
        if not match:
            stripped = line.strip()
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            # Blank lines, cue numbers/identifiers and NOTE/STYLE blocks come before cues.
            if not stripped or _CUE.match(nxt) or stripped.startswith(("NOTE", "STYLE")):
                if stripped.startswith(("NOTE", "STYLE")):
                    while i < len(lines) and lines[i].strip():
                        i += 1
                i += 1
                continue
            raise TranscriptError(
                filename,
                i + 1,
                f"expected a cue time “00:00:01.000 --> …”, found “{stripped[:40]}”.",
            )
        g = match.groups()
        start = _hms(g[0], g[1], g[2])
        i += 1
        body: list[str] = []
        while i < len(lines) and lines[i].strip():
            body.append(lines[i].strip())
            i += 1
        if not body:
            continue
        cue_line = i - len(body) + 1
        raw = " ".join(body)
        voice = _VOICE.search(raw)
        if voice:
            speaker, words = voice.group(1).strip(), _TAG.sub("", voice.group(2))
        else:
            plain = _PREFIX.match(_TAG.sub("", raw))
            if not plain:
                raise TranscriptError(
                    filename, cue_line, "the cue names no speaker (“<v Name>” or “Name: …”)."
                )
            speaker, words = plain.group(2).strip(), plain.group(3)
        words = " ".join(words.split())
        if words:
            turns.append(Turn(start, speaker, words))
    return turns


def parse_vtt(filename: str, text: str) -> list[Turn]:
    return _cues(filename, text, vtt=True)


def parse_srt(filename: str, text: str) -> list[Turn]:
    return _cues(filename, text, vtt=False)


def _seconds(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError
    # Gong exports milliseconds.
    total = int(value // 1000) if value > 36000 else int(value)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def parse_json(filename: str, text: str) -> list[Turn]:
    """Gong-style: {"speakers": [{"id", "name", "email"}], "transcript": [{"speakerId",
    "sentences": [{"start" (ms), "text"}]}]}, or a plain list of {"speaker", "start", "text"}."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptError(filename, exc.lineno, f"not valid JSON: {exc.msg}.") from None
    turns: list[Turn] = []
    if isinstance(doc, dict) and "transcript" in doc:
        names: dict[str, str] = {}
        for sp in doc.get("speakers") or []:
            if isinstance(sp, dict) and "id" in sp:
                names[str(sp["id"])] = str(sp.get("name") or sp.get("email") or sp["id"])
        blocks = doc["transcript"]
        if not isinstance(blocks, list):
            raise TranscriptError(filename, None, "“transcript” must be a list.")
        for n, block in enumerate(blocks, 1):
            if not isinstance(block, dict) or not isinstance(block.get("sentences"), list):
                raise TranscriptError(
                    filename, None, f"transcript entry {n} has no “sentences” list."
                )
            speaker = names.get(str(block.get("speakerId")), str(block.get("speakerId") or ""))
            if not speaker:
                raise TranscriptError(filename, None, f"transcript entry {n} names no speaker.")
            for s in block["sentences"]:
                turns.append(_json_turn(filename, n, speaker, s))
    elif isinstance(doc, list):
        for n, item in enumerate(doc, 1):
            if not isinstance(item, dict) or not item.get("speaker"):
                raise TranscriptError(filename, None, f"entry {n} needs “speaker” and “text”.")
            turns.append(_json_turn(filename, n, str(item["speaker"]), item))
    else:
        raise TranscriptError(
            filename,
            None,
            "expected a Gong export ({“speakers”, “transcript”}) or a list of turns.",
        )
    return turns


def _json_turn(filename: str, n: int, speaker: str, item: object) -> Turn:
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise TranscriptError(filename, None, f"entry {n}: every sentence needs a “text”.")
    try:
        start = _seconds(item.get("start", 0))
    except ValueError:
        raise TranscriptError(
            filename, None, f"entry {n}: “start” must be a non-negative number."
        ) from None
    return Turn(start, speaker.strip(), " ".join(item["text"].split()))


def parse_plain(filename: str, text: str) -> list[Turn]:
    turns: list[Turn] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _PREFIX.match(line)
        if not match:
            if turns and line[:1].isspace():  # a wrapped continuation line
                last = turns[-1]
                turns[-1] = Turn(last.start, last.speaker, f"{last.text} {line.strip()}")
                continue
            raise TranscriptError(
                filename, n, f"expected “Name: what they said”, found “{line.strip()[:40]}”."
            )
        stamp, speaker, words = match.groups()
        start = ""
        if stamp:
            parts = [int(p) for p in stamp.split(":")]
            h, m, s = [0, *parts] if len(parts) == 2 else parts
            start = f"{h:02d}:{m:02d}:{s:02d}"
        turns.append(Turn(start, speaker.strip(), " ".join(words.split())))
    return turns


def parse(filename: str, data: bytes) -> list[Turn]:
    """The turns of a transcript, the format told by the name's extension (or the content)."""
    text = _decode(filename, data)
    lower = filename.lower()
    head = text.lstrip()[:10]
    if lower.endswith(".vtt") or head.startswith("WEBVTT"):
        turns = parse_vtt(filename, text)
    elif lower.endswith(".srt"):
        turns = parse_srt(filename, text)
    elif lower.endswith(".json") or (not lower.endswith(".txt") and head[:1] in ("[", "{")):
        turns = parse_json(filename, text)
    else:
        turns = parse_plain(filename, text)
    turns = _merge([t for t in turns if t.text])
    if not turns:
        raise TranscriptError(filename, None, "the transcript has no speech in it.")
    return turns
