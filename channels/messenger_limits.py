"""Adapt bot replies to the limits of the Messenger Send API.

Messenger refuses a message that is too long or has too many choices. Rather
than dropping content, the functions here reshape a reply into several valid
Messenger ``message`` objects: long texts are split on sentence boundaries,
long choice titles are shortened (keeping the payload, with the full wording
added to the text when shortening makes choices ambiguous), more than three
buttons become quick replies or several button messages, and more than
thirteen quick replies are cut into pages (see ``ChoicePages``).
"""

import re
from typing import Any, Dict, List, Sequence, Tuple

from channels import texts

MAX_TEXT = 2000
MAX_TEMPLATE_TEXT = 640
MAX_BUTTONS = 3
MAX_QUICK_REPLIES = 13
MAX_TITLE = 20
MAX_GENERIC_ELEMENTS = 10

Message = Dict[str, Any]
Choice = Dict[str, Any]

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_WORD_GAP = re.compile(r"\s+")
_PARENTHESES = re.compile(r"\s*\([^)]*\)")
# Small words that look odd at the end of a shortened title.
_TRAILING_WORDS = {
    "à", "au", "aux", "d'", "d’", "de", "des", "du", "en", "et", "l'", "l’",
    "la", "le", "les", "ou", "pour", "sur", "un", "une", "votre", "vos",
}


def _pieces(text: str, separator: "re.Pattern[str]") -> List[str]:
    """Split ``text`` after each separator, keeping the separators."""
    pieces, start = [], 0
    for match in separator.finditer(text):
        pieces.append(text[start:match.end()])
        start = match.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _pack(pieces: Sequence[str], limit: int, split_piece) -> List[str]:
    """Greedily join ``pieces`` into chunks of at most ``limit`` characters."""
    chunks: List[str] = []
    current = ""
    for piece in pieces:
        if len(current) + len(piece.rstrip()) <= limit:
            current += piece
            continue
        if current.strip():
            chunks.append(current.strip())
        current = ""
        if len(piece.rstrip()) <= limit:
            current = piece
        else:
            chunks.extend(split_piece(piece.strip(), limit))
    if current.strip():
        chunks.append(current.strip())
    return chunks


def _split_words(sentence: str, limit: int) -> List[str]:
    return _pack(_pieces(sentence, _WORD_GAP), limit, _hard_split)


def _hard_split(word: str, limit: int) -> List[str]:
    return [word[i:i + limit] for i in range(0, len(word), limit)]


def split_text(text: str, limit: int = MAX_TEXT) -> List[str]:
    """Split ``text`` into chunks of at most ``limit`` characters.

    Cuts fall between sentences when possible, then between words; a single
    word longer than ``limit`` is cut as a last resort. No character other
    than whitespace at a cut is lost.
    """
    text = (text or "").strip()
    if len(text) <= limit:
        return [text] if text else []
    return _pack(_pieces(text, _SENTENCE_END), limit, _split_words)


def shorten_title(title: str, limit: int = MAX_TITLE) -> str:
    """Shorten a choice title to ``limit`` characters, readably.

    Drops parenthesised details first, then cuts at a word boundary (without
    a dangling small word) - or inside the last word when a word boundary
    would lose too much - and adds an ellipsis.
    """
    title = " ".join(str(title).split())
    if len(title) <= limit:
        return title
    without_details = " ".join(_PARENTHESES.sub("", title).split())
    if without_details and len(without_details) <= limit:
        return without_details
    base = without_details or title
    hard_cut = base[: limit - 1].rstrip(" ,;:.-–'’")
    cut = hard_cut
    if base[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    words = cut.split()
    while len(words) > 1 and words[-1].lower() in _TRAILING_WORDS:
        words.pop()
    cut = " ".join(words).rstrip(" ,;:.-–'’")
    if len(cut) < limit * 0.6:  # cutting between words would lose too much
        cut = hard_cut
    return cut + "…"


def _common_prefix_words(titles: Sequence[str]) -> int:
    """Number of leading words shared by every title."""
    split = [t.split() for t in titles]
    count = 0
    for words in zip(*split):
        if len(set(w.lower() for w in words)) != 1:
            break
        count += 1
    return count


def _distinctive_titles(titles: Sequence[str]) -> List[str]:
    """Titles without the words they all start with, shortened ("Voirie", "Propreté")."""
    shared = _common_prefix_words(titles)
    if len(titles) < 2 or shared == 0:
        return []
    rests = [" ".join(t.split()[shared:]) for t in titles]
    if not all(rests):
        return []
    return [shorten_title(r[0].upper() + r[1:]) for r in rests]


def _retitle(choices: Sequence[Choice]) -> Tuple[List[Choice], List[str]]:
    """Make every title fit, keeping each payload and the choices distinguishable.

    Titles are shortened. If that makes two of them identical, the words all
    titles share are dropped ("Signaler un problème de voirie" becomes
    "Voirie"), or failing that the choices are numbered. In both cases the
    returned legend lines give the full wording, to be added to the text.
    """
    titles = [" ".join(str(c.get("title", "")).split()) for c in choices]
    short = [shorten_title(t) for t in titles]
    legend: List[str] = []
    if len(set(short)) < len(short):
        distinctive = _distinctive_titles(titles)
        if distinctive and len(set(distinctive)) == len(distinctive):
            short = distinctive
            legend = [f"- {t}" for t in titles]
        else:
            short = [
                f"{n}. " + shorten_title(t, MAX_TITLE - len(f"{n}. "))
                for n, t in enumerate(titles, start=1)
            ]
            legend = [f"{n}. {t}" for n, t in enumerate(titles, start=1)]
    adapted = [dict(choice, title=title) for choice, title in zip(choices, short)]
    return adapted, legend


def _with_legend(text: str, legend: Sequence[str]) -> str:
    if not legend:
        return text
    # A single newline: a blank line would send the legend as a separate bubble.
    return "\n".join([text.rstrip(), texts.CHOICES_LEGEND, *legend]).strip()


def text_messages(text: str) -> List[Message]:
    """Messages for a plain text (paragraphs are sent as separate bubbles)."""
    messages = []
    for paragraph in (text or "").strip().split("\n\n"):
        messages.extend({"text": chunk} for chunk in split_text(paragraph))
    return messages


def _lead_and_last(text: str, last_limit: int) -> Tuple[List[Message], str]:
    """Split ``text`` so that its last chunk fits in ``last_limit`` characters."""
    messages = text_messages(text)
    if not messages:
        return [], texts.CHOOSE
    last = messages.pop()["text"]
    if len(last) > last_limit:
        parts = split_text(last, last_limit)
        messages.extend({"text": part} for part in parts[:-1])
        last = parts[-1]
    return messages, last


def _to_messenger_button(button: Choice) -> Choice:
    """Convert a Rasa button into a Messenger button (postback by default)."""
    converted = {k: v for k, v in button.items() if k in {"type", "title", "payload", "url"}}
    if "type" not in converted:
        converted["type"] = "web_url" if "url" in converted else "postback"
    return converted


def _to_quick_reply(choice: Choice) -> Choice:
    converted = {
        k: v for k, v in choice.items() if k in {"content_type", "title", "payload", "image_url"}
    }
    converted.setdefault("content_type", "text")
    return converted


def button_messages(text: str, buttons: Sequence[Choice]) -> Tuple[List[Message], List[Choice]]:
    """Messages for a text with buttons.

    Up to three buttons make one button template. More buttons become quick
    replies when they are all simple postbacks, else several button templates.
    Returns the messages and the quick replies left for later pages.
    """
    converted = [_to_messenger_button(b) for b in buttons]
    if not converted:
        return text_messages(text), []
    if len(converted) > MAX_BUTTONS and all(b["type"] == "postback" for b in converted):
        return quick_reply_messages(text, [_to_quick_reply(b) for b in converted])
    converted, legend = _retitle(converted)
    messages, last = _lead_and_last(_with_legend(text, legend), MAX_TEMPLATE_TEXT)
    for start in range(0, len(converted), MAX_BUTTONS):
        group = converted[start:start + MAX_BUTTONS]
        template_text = last if start == 0 else texts.OTHER_CHOICES
        messages.append(
            {
                "attachment": {
                    "type": "template",
                    "payload": {
                        "template_type": "button",
                        "text": template_text,
                        "buttons": group,
                    },
                }
            }
        )
    return messages, []


def quick_reply_page(items: Sequence[Choice]) -> Tuple[List[Choice], List[Choice]]:
    """Split quick replies into the ones shown now and the ones left.

    A page holds 13 quick replies, or 12 and room for a "Plus de choix" one.
    """
    if len(items) <= MAX_QUICK_REPLIES:
        return list(items), []
    return list(items[: MAX_QUICK_REPLIES - 1]), list(items[MAX_QUICK_REPLIES - 1:])


def quick_reply_messages(
    text: str, quick_replies: Sequence[Choice]
) -> Tuple[List[Message], List[Choice]]:
    """Messages for a text with quick replies, and the quick replies left over.

    Quick replies attach to the last text chunk. When more than 13 are given,
    the ones that do not fit are returned for a later page.
    """
    converted = [_to_quick_reply(q) for q in quick_replies]
    if not converted:
        return text_messages(text), []
    converted, legend = _retitle(converted)
    messages, last = _lead_and_last(_with_legend(text, legend), MAX_TEXT)
    shown, rest = quick_reply_page(converted)
    messages.append({"text": last, "quick_replies": shown})
    return messages, rest


def more_choices_reply(payload: str) -> Choice:
    """The quick reply that asks for the next page of choices."""
    return {"content_type": "text", "title": texts.MORE_CHOICES, "payload": payload}


def image_message(url: str) -> Message:
    """Message showing the image at ``url``."""
    return {"attachment": {"type": "image", "payload": {"url": url, "is_reusable": True}}}


def generic_messages(elements: Sequence[Dict[str, Any]]) -> List[Message]:
    """Messages for cards (generic template), ten cards per message.

    A card may carry three buttons; extra buttons follow the cards as a button
    message titled with the card's title.
    """
    cards: List[Dict[str, Any]] = []
    extra: List[Message] = []
    for element in elements:
        card = dict(element)
        buttons = [_to_messenger_button(b) for b in element.get("buttons", [])]
        if buttons:
            buttons, _ = _retitle(buttons)
            card["buttons"] = buttons[:MAX_BUTTONS]
            if len(buttons) > MAX_BUTTONS:
                more, _ = button_messages(
                    str(element.get("title") or texts.OTHER_CHOICES),
                    buttons[MAX_BUTTONS:],
                )
                extra.extend(more)
        cards.append(card)
    messages = [
        {
            "attachment": {
                "type": "template",
                "payload": {
                    "template_type": "generic",
                    "elements": cards[start:start + MAX_GENERIC_ELEMENTS],
                },
            }
        }
        for start in range(0, len(cards), MAX_GENERIC_ELEMENTS)
    ]
    return messages + extra

