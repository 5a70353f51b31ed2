from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sustain.adoption.parsers import TranscriptError, Turn, parse


def test_it_reads_webvtt_voice_tags_and_merges_a_speakers_cues() -> None:
    data = (
        b"WEBVTT\n\n1\n00:01:02.500 --> 00:01:04.000\n<v Rita Rep>What keeps you</v>\n\n"
        b"00:01:04.000 --> 00:01:05.000\n<v Rita Rep>up at night?</v>\n\n"
        b"00:01:06.000 --> 00:01:07.000\n<v Bob>Costs.</v>\n"
    )
    assert parse("call.vtt", data) == [
        Turn("00:01:02", "Rita Rep", "What keeps you up at night?"),
        Turn("00:01:06", "Bob", "Costs."),
    ]


def test_it_reads_srt_with_name_prefixes() -> None:
    data = b"1\n00:00:01,000 --> 00:00:02,000\nRita: Hello there\n\n2\n01:00:03,000 --> 01:00:04,000\nBob: Hi\n"
    assert parse("call.srt", data) == [
        Turn("00:00:01", "Rita", "Hello there"),
        Turn("01:00:03", "Bob", "Hi"),
    ]


def test_it_reads_a_gong_export_with_speaker_names() -> None:
    doc = {
        "speakers": [{"id": "s1", "name": "Rita Rep"}, {"id": "s2", "name": "Bob"}],
        "transcript": [
            {"speakerId": "s1", "sentences": [{"start": 61000, "text": "How is it going?"}]},
            {"speakerId": "s2", "sentences": [{"start": 65000, "text": "Fine."}]},
        ],
    }
    assert parse("call.json", json.dumps(doc).encode()) == [
        Turn("00:01:01", "Rita Rep", "How is it going?"),
        Turn("00:01:05", "Bob", "Fine."),
    ]


def test_it_reads_plain_name_text_lines_with_optional_times() -> None:
    data = b"[00:12] Rita Rep: What matters most?\nBob: Price.\n  and speed\n"
    assert parse("call.txt", data) == [
        Turn("00:00:12", "Rita Rep", "What matters most?"),
        Turn("", "Bob", "Price. and speed"),
    ]


def test_it_names_the_file_and_line_of_a_bad_cue() -> None:
    data = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Rita>Hi</v>\n\nthis is not a cue\n"
    with pytest.raises(TranscriptError) as err:
        parse("zoom.vtt", data)
    assert err.value.filename == "zoom.vtt" and err.value.line == 6
    assert str(err.value).startswith("zoom.vtt, line 6:")


def test_it_refuses_a_plain_line_without_a_speaker() -> None:
    with pytest.raises(TranscriptError, match=r"notes.txt, line 2"):
        parse("notes.txt", b"Rita: hi\nno speaker here\n")


def test_it_refuses_invalid_json_with_its_line() -> None:
    with pytest.raises(TranscriptError, match=r"gong.json, line 2: not valid JSON"):
        parse("gong.json", b'{"speakers": [],\n "transcript": [}')


def test_it_refuses_a_file_that_is_not_utf8() -> None:
    with pytest.raises(TranscriptError, match="not UTF-8"):
        parse("call.txt", b"Rita: caf\xe9\n")


def test_it_refuses_a_transcript_with_no_speech() -> None:
    with pytest.raises(TranscriptError, match="no speech"):
        parse("call.vtt", b"WEBVTT\n\n")


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(["a.vtt", "a.srt", "a.json", "a.txt"]),
    data=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.lists(
            st.sampled_from(
                ["WEBVTT", "", "00:00:01.000 --> 00:00:02.000", "<v A>hi", "A: b", "1", "{", "["]
            ),
            max_size=12,
        ).map(lambda lines: "\n".join(lines).encode()),
    ),
)
def test_it_never_crashes_only_raises_its_own_error(name: str, data: bytes) -> None:
    try:
        turns = parse(name, data)
    except TranscriptError:
        return
    assert turns and all(isinstance(t, Turn) and t.text for t in turns)
