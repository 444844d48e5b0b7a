"""Unit tests of the adaptation of bot replies to Messenger's limits."""

from channels import messenger_limits as limits
from channels import texts


def _template(message):
    return message["attachment"]["payload"]


def test_short_text_is_one_message():
    assert limits.text_messages("Bonjour !") == [{"text": "Bonjour !"}]


def test_paragraphs_become_separate_bubbles():
    assert limits.text_messages("Bonjour.\n\nQue puis-je faire ?") == [
        {"text": "Bonjour."},
        {"text": "Que puis-je faire ?"},
    ]


def test_long_text_is_split_on_sentence_boundaries_without_losing_words():
    sentences = [f"Phrase numéro {i} sur la collecte des déchets à Villebrune." for i in range(80)]
    text = " ".join(sentences)
    chunks = limits.split_text(text)
    assert len(chunks) > 1
    assert all(len(c) <= limits.MAX_TEXT for c in chunks)
    assert all(c.endswith(".") for c in chunks)  # every cut falls after a sentence
    assert " ".join(chunks) == text


def test_a_sentence_longer_than_the_limit_is_split_between_words():
    text = " ".join(["mot"] * 1000)  # 3999 characters, no sentence end
    chunks = limits.split_text(text)
    assert all(len(c) <= limits.MAX_TEXT for c in chunks)
    assert " ".join(chunks) == text


def test_a_word_longer_than_the_limit_is_cut_as_a_last_resort():
    word = "x" * 4500
    chunks = limits.split_text(word)
    assert [len(c) for c in chunks] == [2000, 2000, 500]
    assert "".join(chunks) == word


def test_shorten_title_keeps_short_titles_and_shortens_long_ones():
    assert limits.shorten_title("Horaires") == "Horaires"
    assert limits.shorten_title("Horaires (mairie annexe)") == "Horaires"
    short = limits.shorten_title("Demander un acte de naissance")
    assert len(short) <= 20 and short.endswith("…")
    assert short == "Demander un acte…"  # cut between words, no dangling "de"
    assert len(limits.shorten_title("Anticonstitutionnellement")) == 20


def test_three_buttons_make_one_button_template():
    buttons = [{"title": f"Choix {i}", "payload": f"/choix{i}"} for i in range(3)]
    messages, rest = limits.button_messages("Que souhaitez-vous ?", buttons)
    assert rest == []
    assert len(messages) == 1
    payload = _template(messages[0])
    assert payload["template_type"] == "button"
    assert payload["text"] == "Que souhaitez-vous ?"
    assert payload["buttons"] == [
        {"type": "postback", "title": f"Choix {i}", "payload": f"/choix{i}"} for i in range(3)
    ]


def test_more_than_three_postback_buttons_become_quick_replies():
    buttons = [{"title": f"Choix {i}", "payload": f"/choix{i}"} for i in range(5)]
    messages, rest = limits.button_messages("Que souhaitez-vous ?", buttons)
    assert rest == []
    assert messages == [
        {
            "text": "Que souhaitez-vous ?",
            "quick_replies": [
                {"content_type": "text", "title": f"Choix {i}", "payload": f"/choix{i}"}
                for i in range(5)
            ],
        }
    ]


def test_more_than_three_buttons_with_links_are_split_into_several_templates():
    buttons = [{"title": f"Choix {i}", "payload": f"/choix{i}"} for i in range(4)]
    buttons.append({"title": "Site de la mairie", "url": "https://villebrune.example"})
    messages, rest = limits.button_messages("Que souhaitez-vous ?", buttons)
    assert rest == []
    payloads = [_template(m) for m in messages]
    assert [len(p["buttons"]) for p in payloads] == [3, 2]
    assert payloads[0]["text"] == "Que souhaitez-vous ?"
    assert payloads[1]["text"] == texts.OTHER_CHOICES
    assert payloads[1]["buttons"][-1] == {
        "type": "web_url", "title": "Site de la mairie", "url": "https://villebrune.example"
    }


def test_long_text_with_buttons_keeps_the_template_text_under_640():
    text = " ".join(f"Information importante numéro {i}." for i in range(40))
    messages, _ = limits.button_messages(text, [{"title": "Oui", "payload": "/oui"}])
    *leading, template = messages
    assert leading and all("text" in m for m in leading)
    assert len(_template(template)["text"]) <= limits.MAX_TEMPLATE_TEXT
    rebuilt = " ".join([m["text"] for m in leading] + [_template(template)["text"]])
    assert rebuilt == text


def test_long_button_titles_are_shortened_and_keep_their_payload():
    buttons = [
        {"title": "Demander un acte de naissance", "payload": "/acte_naissance"},
        {"title": "Prendre rendez-vous pour une carte d'identité", "payload": "/rdv_cni"},
    ]
    messages, _ = limits.button_messages("Votre démarche ?", buttons)
    got = _template(messages[0])["buttons"]
    assert [b["payload"] for b in got] == ["/acte_naissance", "/rdv_cni"]
    assert all(len(b["title"]) <= 20 for b in got)
    assert _template(messages[0])["text"] == "Votre démarche ?"  # no ambiguity, no legend


def test_titles_made_identical_by_shortening_stay_distinguishable():
    buttons = [
        {"title": "Signaler un problème de voirie", "payload": "/voirie"},
        {"title": "Signaler un problème de propreté", "payload": "/proprete"},
    ]
    messages, _ = limits.button_messages("Que souhaitez-vous signaler ?", buttons)
    payload = _template(messages[0])
    assert [b["title"] for b in payload["buttons"]] == ["Voirie", "Propreté"]
    assert "Signaler un problème de voirie" in payload["text"]
    assert "Signaler un problème de propreté" in payload["text"]


def test_identical_titles_without_common_prefix_are_numbered():
    buttons = [
        {"title": "Rue des Lilas, conteneur plein", "payload": "/a"},
        {"title": "Rue des Lilas, conteneur cassé", "payload": "/b"},
        {"title": "Autre", "payload": "/c"},
    ]
    messages, _ = limits.button_messages("Lequel ?", buttons)
    titles = [b["title"] for b in _template(messages[0])["buttons"]]
    assert len(set(titles)) == 3 and all(len(t) <= 20 for t in titles)
    assert titles[0].startswith("1. ") and titles[2] == "3. Autre"


def test_more_than_13_quick_replies_are_paginated():
    replies = [{"title": f"Quartier {i}", "payload": f"/quartier{i}"} for i in range(30)]
    messages, rest = limits.quick_reply_messages("Votre quartier ?", replies)
    assert len(messages[-1]["quick_replies"]) == 12  # room left for "Plus de choix"
    assert len(rest) == 18
    page, rest2 = limits.quick_reply_page(rest)
    assert len(page) == 12 and len(rest2) == 6
    page3, rest3 = limits.quick_reply_page(rest2)
    assert len(page3) == 6 and rest3 == []
    shown = messages[-1]["quick_replies"] + page + page3
    assert [q["payload"] for q in shown] == [f"/quartier{i}" for i in range(30)]


def test_exactly_13_quick_replies_fit_on_one_page():
    replies = [{"title": f"Q{i}", "payload": f"/q{i}"} for i in range(13)]
    messages, rest = limits.quick_reply_messages("?", replies)
    assert len(messages[-1]["quick_replies"]) == 13 and rest == []


def test_images_and_cards():
    assert limits.image_message("https://x.example/a.png") == {
        "attachment": {"type": "image", "payload": {"url": "https://x.example/a.png", "is_reusable": True}}
    }
    cards = [{"title": f"Carte {i}", "buttons": [{"title": "Voir", "payload": "/voir"}]} for i in range(12)]
    messages = limits.generic_messages(cards)
    assert [len(m["attachment"]["payload"]["elements"]) for m in messages] == [10, 2]
    assert messages[0]["attachment"]["payload"]["elements"][0]["buttons"][0]["type"] == "postback"


def test_card_with_more_than_three_buttons_sends_the_rest_after():
    card = {"title": "Médiathèque", "buttons": [{"title": f"B{i}", "payload": f"/b{i}"} for i in range(5)]}
    messages = limits.generic_messages([card])
    assert len(messages[0]["attachment"]["payload"]["elements"][0]["buttons"]) == 3
    assert messages[1] == _extra_buttons_message("Médiathèque", ["B3", "B4"])


def _extra_buttons_message(text, titles):
    return {
        "attachment": {
            "type": "template",
            "payload": {
                "template_type": "button",
                "text": text,
                "buttons": [
                    {"type": "postback", "title": t, "payload": "/" + t.lower()} for t in titles
                ],
            },
        }
    }
