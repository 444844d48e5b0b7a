"""Rasa's ``CRFEntityExtractor`` that stores its trained CRFs instead of retraining on load.

Rasa 3.6 persists only the CRF training set and retrains the CRFs every time a model is
loaded (20-27 % of Rasa's start-up, see benchmarks/TUNING.md). This subclass also stores
each trained crfsuite model file (``crf_<tag>.crfsuite``) and, on load, opens them
instead of training; a model trained without them (older models) still loads by
retraining, as Rasa does. Predictions are the same: same features, same CRF files.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor, CRFToken



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
