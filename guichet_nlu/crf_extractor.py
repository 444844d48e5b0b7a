"""Rasa's ``CRFEntityExtractor`` that stores its trained CRFs instead of retraining on load.

Rasa 3.6 persists only the CRF training set and retrains the CRFs every time a model is
loaded (20-27 % of Rasa's start-up, see benchmarks/TUNING.md). This subclass also stores
each trained crfsuite model file (``crf_<tag>.crfsuite``) and, on load, opens them
instead of training; a model trained without them (older models) still loads by
retraining, as Rasa does. Predictions are the same: same features, same CRF files.

It also picks each token's tag without stripping the BILOU prefix of every candidate
tag twice per token (``_most_likely_tag``, 2 % of the Rasa server's CPU per turn): the
prefixes are stripped once per tag name and the confidences summed in the same order,
so tags and confidences are Rasa's to the bit.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor, CRFToken
from rasa.nlu.utils import bilou_utils
from rasa.utils.tensorflow.constants import BILOU_FLAG

#: Tag name -> the tag without its BILOU prefix (tag names are the CRFs' few labels).
_ENTITY_OF_TAG: Dict[Text, Text] = {}


def entity_of_tag(tag: Text) -> Text:
    """``bilou_utils.tag_without_prefix(tag)``, computed once per tag name."""
    entity = _ENTITY_OF_TAG.get(tag)
    if entity is None:
        entity = _ENTITY_OF_TAG[tag] = bilou_utils.tag_without_prefix(tag)
    return entity



@functools.lru_cache(maxsize=None)
def loaded_models_dir() -> Path:
    """Where loaded crfsuite files are kept (the model storage's directory is temporary)."""
    path = Path(tempfile.mkdtemp(prefix="guichet-crf-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def crf_file(model_dir: Path, tag_name: Text) -> Path:
    return model_dir / f"crf_{tag_name}.crfsuite"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True
)
class PersistedCRFEntityExtractor(CRFEntityExtractor):
    """``CRFEntityExtractor`` whose load reads the trained CRFs rather than retraining."""

    def _most_likely_tag(self, predictions: List[Dict[Text, float]]) -> Tuple[List[Text], List[float]]:
        """Rasa's choice of each token's tag and confidence (with BILOU tags, the summed
        confidence of the entity's B, I, L and U tags, added in the same order)."""
        if not self.component_config[BILOU_FLAG]:
            return super()._most_likely_tag(predictions)
        tags, confidences = [], []
        for token_predictions in predictions:
            tag = max(token_predictions, key=token_predictions.__getitem__)
            entity = entity_of_tag(tag)
            tags.append(tag)
            confidences.append(sum(confidence for other, confidence in token_predictions.items()
                                   if entity_of_tag(other) == entity))
        return tags, confidences

    def persist(self, dataset: List[List[CRFToken]]) -> None:
        super().persist(dataset)
        with self._model_storage.write_to(self._resource) as model_dir:
            for tag_name, tagger in self.entity_taggers.items():
                shutil.copyfile(tagger.modelfile.name, crf_file(model_dir, tag_name))

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CRFEntityExtractor:
        taggers = cls._load_taggers(model_storage, resource)
        if taggers is None:
            return super().load(config, model_storage, resource, execution_context, **kwargs)
        crf_order, entity_taggers = taggers
        extractor = cls(config, model_storage, resource, entity_taggers)
        extractor.crf_order = crf_order
        return extractor

    @staticmethod
    def _load_taggers(model_storage: ModelStorage, resource: Resource) -> Optional[tuple]:
        """(crf_order, taggers) from the stored crfsuite files, or None if any is missing."""
        import sklearn_crfsuite

        try:
            with model_storage.read_from(resource) as model_dir:
                crf_order = rasa.shared.utils.io.read_json_file(model_dir / "crf_order.json")
                files = {tag: crf_file(model_dir, tag) for tag in crf_order}
                if not all(path.is_file() for path in files.values()):
                    return None
                taggers = OrderedDict()
                for tag_name, path in files.items():
                    handle, kept = tempfile.mkstemp(suffix=".crfsuite", dir=loaded_models_dir())
                    os.close(handle)
                    shutil.copyfile(path, kept)
                    tagger = sklearn_crfsuite.CRF(model_filename=kept)
                    tagger.tagger_  # opens the file now, not on the first message
                    taggers[tag_name] = tagger
                return crf_order, taggers
        except ValueError:  # no stored resource: Rasa's load logs and builds an empty one
            return None
