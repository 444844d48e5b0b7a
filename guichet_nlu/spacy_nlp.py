"""Rasa's ``SpacyNLP`` that loads the spaCy model once per process, without unused pipes.

Rasa 3.6 builds two graph nodes from ``SpacyNLP`` (``provide_…`` hands the model to the
tokenizer and featurizers, ``run_…`` processes messages) and each calls ``spacy.load``:
fr_core_news_md sat twice in memory. Here loaded models are shared per (name, disabled
pipes). Rasa also loads every pipe and runs all but the parser on each message. The
pipes named in ``disable`` (config.yml) are not even loaded: Guichet's pipeline reads
only the tokens and the static word vectors (SpacyFeaturizer, the linear classifier),
and its word counts use the words rather than lemmas (``use_lemma: false``), so every
pipe is left out (tok2vec, morphologizer, parser, attribute_ruler, lemmatizer, ner).
Tokens and vectors do not depend on them (see the tests); with only ``parser`` and
``ner`` left out, lemmas and POS are Rasa's too.

The class keeps Rasa's name ``SpacyNLP`` on purpose: Rasa wires the tokenizer and
featurizers to the model provider whose class is *named* ``SpacyNLP``. With the default
``disable`` (``["parser"]``, Rasa's) it behaves exactly like Rasa's component.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from typing import Any, Dict, Iterator, List, Text, Tuple

import spacy

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.utils import spacy_utils
from rasa.nlu.utils.spacy_utils import SpacyModel

from guichet_nlu import regex_cache

RASA_DISABLED_PIPES = ("parser",)


@dataclasses.dataclass
class LeanSpacyModel(SpacyModel):
    """A ``SpacyModel`` whose fingerprint (training cache key) names the pipes left out."""

    left_out: Tuple[Text, ...] = ()

    def fingerprint(self) -> Text:
        return f"{self.model_name}-without-{'-'.join(self.left_out)}"


@contextlib.contextmanager
def _loading_without(pipes: Tuple[Text, ...]) -> Iterator[None]:
    """Makes ``spacy.load`` (called by Rasa's loader) leave ``pipes`` out."""
    original = spacy.load
    spacy.load = functools.partial(original, exclude=list(pipes))
    try:
        yield
    finally:
        spacy.load = original


@functools.lru_cache(maxsize=None)
def load_language(model_name: Text, disable: Tuple[Text, ...]) -> Any:
    """The spaCy pipeline ``model_name`` without ``disable``, loaded once per process.

    The pipes in ``disable`` are never loaded (spaCy's ``exclude``: 1.4 of the 3.7 s of a
    full load, measured) and the tokenizer's large pattern comes from the regex cache.
    """
    with regex_cache.large_patterns_cached(), _loading_without(disable):
        model = spacy_utils.SpacyNLP.load_model(model_name)  # Rasa's checks and messages
    return model.model


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.MODEL_LOADER,
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    ],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    """``SpacyNLP`` with a shared model and a configurable list of disabled pipes."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**spacy_utils.SpacyNLP.get_default_config(), "disable": list(RASA_DISABLED_PIPES)}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SpacyNLP":
        config = {**cls.get_default_config(), **config}
        disable: List[Text] = sorted(set(config["disable"]) | set(RASA_DISABLED_PIPES))
        language = load_language(config.get("model"), tuple(disable))
        cls.ensure_proper_language_model(language)
        return cls(LeanSpacyModel(model=language, model_name=config.get("model"),
                                  left_out=tuple(disable)), config)
