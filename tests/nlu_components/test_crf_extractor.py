"""The persisted CRF extractor loads its trained CRFs instead of retraining them."""

import random

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.message import Message

from guichet_nlu.crf_extractor import PersistedCRFEntityExtractor

NLU = """
version: "3.1"
nlu:
- intent: report
  examples: |
    - il y a un nid de poule [rue Victor Hugo](street)
    - un lampadaire est cassé [avenue de la Gare](street)
    - des déchets sur le trottoir [rue des Lilas](street)
    - problème d'éclairage [boulevard Pasteur](street)
    - une fuite d'eau [rue du Port](street)
    - graffiti sur le mur [place de la Mairie](street)
"""


def featurized(messages, featurizer):
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    featurizer.process(messages)
    return messages


def street(message):
    return [e["value"] for e in message.get("entities", []) if e["entity"] == "street"]


@pytest.fixture
def trained(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("crf")
    context = ExecutionContext(GraphSchema({}), "test")
    config = PersistedCRFEntityExtractor.get_default_config()
    data = RasaYAMLReader().reads(NLU)
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process_training_data(data)
    featurizer = CountVectorsFeaturizer.create(
        CountVectorsFeaturizer.get_default_config(), storage, Resource("cv"), context)
    featurizer.train(data)
    featurizer.process_training_data(data)
    extractor = PersistedCRFEntityExtractor.create(config, storage, resource, context)
    extractor.train(data)
    return config, storage, resource, context, extractor, featurizer


def test_load_reads_the_stored_crfs_without_training(trained, monkeypatch):
    config, storage, resource, context, extractor, featurizer = trained

    def no_training(*args, **kwargs):
        raise AssertionError("the CRF was retrained on load")

    monkeypatch.setattr(PersistedCRFEntityExtractor, "train_model", classmethod(no_training))
    loaded = PersistedCRFEntityExtractor.load(config, storage, resource, context)
    texts = ["il y a un nid de poule rue Victor Hugo", "un lampadaire est cassé avenue de la Gare"]
    fresh = featurized([Message(data={"text": t}) for t in texts], featurizer)
    reloaded = featurized([Message(data={"text": t}) for t in texts], featurizer)
    extractor.process(fresh)
    loaded.process(reloaded)
    assert loaded.crf_order == extractor.crf_order
    assert [street(m) for m in reloaded] == [street(m) for m in fresh]
    for message in reloaded:
        features = extractor._crf_tokens_to_features(extractor._convert_to_crf_tokens(message), config)
        assert (loaded.entity_taggers["entity"].predict_marginals_single(features)
                == extractor.entity_taggers["entity"].predict_marginals_single(features))
    assert "L-street" in loaded.entity_taggers["entity"].classes_


def test_model_without_crf_files_is_retrained_like_rasa(trained):
    config, storage, resource, context, extractor, featurizer = trained
    with storage.write_to(resource) as model_dir:
        for path in model_dir.glob("*.crfsuite"):
            path.unlink()
    loaded = PersistedCRFEntityExtractor.load(config, storage, resource, context)
    message = featurized([Message(data={"text": "une fuite d'eau rue du Port"})], featurizer)[0]
    loaded.process([message])
    assert list(loaded.entity_taggers) == extractor.crf_order
    assert "L-street" in loaded.entity_taggers["entity"].classes_


def test_tag_choice_equals_rasas_to_the_bit(trained):
    from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor

    config, storage, resource, context, extractor, featurizer = trained
    texts = ["il y a un nid de poule rue Victor Hugo", "graffiti place de la Mairie svp", "bonjour"]
    real = []
    for message in featurized([Message(data={"text": t}) for t in texts], featurizer):
        features = extractor._crf_tokens_to_features(extractor._convert_to_crf_tokens(message), config)
        real.append(extractor.entity_taggers["entity"].predict_marginals_single(features))
    rng = random.Random(4)
    labels = ["O", "B-street", "I-street", "L-street", "U-street", "U-date", "B-date", "L-date", "Odd"]
    drawn = [[{label: rng.choice([0.1, 0.2, rng.random()]) for label in rng.sample(labels, 6)}
              for _ in range(5)] for _ in range(200)]  # ties included
    for predictions in real + drawn:
        ours = extractor._most_likely_tag(predictions)
        theirs = CRFEntityExtractor._most_likely_tag(extractor, predictions)
        assert ours == theirs and [type(c) for c in ours[1]] == [type(c) for c in theirs[1]]
    extractor.component_config["BILOU_flag"] = False
    assert extractor._most_likely_tag(drawn[0]) == CRFEntityExtractor._most_likely_tag(extractor, drawn[0])
