"""The message sanitizer turns hostile or huge input into bounded plain text."""

from guichet_nlu.content_guard import ContentGuard, has_content
from guichet_nlu.sanitizer import MessageSanitizer, clean_text, strip_html
from rasa.shared.nlu.training_data.message import Message


def test_html_is_reduced_to_visible_text():
    text = '<p>Bonjour <b>je veux</b> un <a href="x">rendez-vous</a></p><script>alert(1)</script>'
    assert clean_text(text, 1000) == "Bonjour je veux un rendez-vous"


def test_entities_and_plain_text_are_kept():
    assert strip_html("horaires &amp; contacts") == "horaires & contacts"
    assert clean_text("a < b et c > d", 1000) == "a < b et c > d"


def test_control_characters_and_spaces_are_folded():
    assert clean_text("bonjour\x00\x07\n\n\t  la   mairie ", 1000) == "bonjour la mairie"


def test_long_text_is_cut_on_a_word_boundary():
    text = "mot " * 5000
    cleaned = clean_text(text, 1000)
    assert len(cleaned) <= 1000
    assert cleaned.endswith("mot")


def test_component_marks_truncated_messages():
    sanitizer = MessageSanitizer({"max_chars": 50})
    long_message, short_message = Message({"text": "a" * 200}), Message({"text": "bonjour"})
    sanitizer.process([long_message, short_message])
    assert len(long_message.get("text")) == 50
    assert long_message.get("text_truncated") is True
    assert long_message.get("original_text_length") == 200
    assert short_message.get("text_truncated") is False
    assert short_message.get("text") == "bonjour"


def test_content_guard_sends_emoji_only_messages_to_fallback():
    assert not has_content("👍🙂 !!! ...")
    assert has_content("ok 👍")
    emoji, words = Message({"text": "🙂🙂"}), Message({"text": "bonjour"})
    words.set("intent", {"name": "greet", "confidence": 0.9})
    ContentGuard().process([emoji, words])
    assert emoji.get("intent")["name"] == "nlu_fallback"
    assert emoji.get("empty_message") is True
    assert words.get("intent")["name"] == "greet"
