"""Shared ways of answering when the back office refuses a request or cannot be reached.

Every flow uses these so that a citizen always gets the same clear French message and,
when nothing could be done, an offer to reach a person. A write that failed is said to
be "not recorded" so that the citizen never believes it was done.
"""

from __future__ import annotations

from typing import Optional

from rasa_sdk.executor import CollectingDispatcher

from actions.api.backoffice import BackOfficeError, BackOfficeUnavailable

HUMAN_BUTTON = {"title": "Parler à un agent", "payload": "/human_handoff"}
RETRY_LATER = "Vous pouvez réessayer dans quelques minutes"


def say_unavailable(dispatcher: CollectingDispatcher, what: Optional[str] = None) -> None:
    """The back office is down or too slow: say so, say nothing was recorded, offer a human.

    ``what`` names the operation that was not done, e.g. "votre rendez-vous n'a pas été
    enregistré"; leave it out for a read.
    """
    text = "Désolé, le service de la mairie ne répond pas pour le moment."
    if what:
        text += f" {what[0].upper()}{what[1:]}."
    text += f" {RETRY_LATER}, ou je peux vous mettre en relation avec un agent."
    dispatcher.utter_message(text=text, buttons=[HUMAN_BUTTON])


def say_refused(dispatcher: CollectingDispatcher, error: BackOfficeError) -> None:
    """The back office answered with a refusal: show its French message as is."""
    dispatcher.utter_message(text=error.message)


def say_error(dispatcher: CollectingDispatcher, error: BackOfficeError, what: Optional[str] = None) -> None:
    """Dispatches to :func:`say_unavailable` or :func:`say_refused` by error kind."""
    if isinstance(error, BackOfficeUnavailable):
        say_unavailable(dispatcher, what)
    else:
        say_refused(dispatcher, error)
