"""Every French sentence the back office sends to a citizen or shows an agent about handoff."""
from __future__ import annotations

REASONS = {
    "citizen_request": "L'usager a demandé à parler à une personne",
    "repeated_misunderstanding": "L'assistant n'a pas compris l'usager deux fois de suite",
    "identity_check_failed": "Trois vérifications d'identité ont échoué",
    "urgency": "Message urgent ou de détresse",
    "human_only_topic": "Sujet traité uniquement par un agent",
}
URGENCY_LABELS = {"danger": "Danger", "distress": "Détresse", "urgent": "Urgent", None: "Normale"}
STATUS_LABELS = {"waiting": "En attente", "claimed": "Pris en charge", "closed": "Clôturé",
                 "returned": "Rendu à l'assistant"}
KIND_LABELS = {"live": "Conversation", "callback": "Demande de rappel"}
AUTHOR_LABELS = {"citizen": "Usager", "agent": "Agent", "bot": "Assistant", "system": "Info"}
CHANNEL_LABELS = {"socketio": "Site web / borne", "messenger": "Messenger", "rest": "API REST"}

AGENT_JOINED = "{agent}, agent de la mairie, a rejoint la conversation."
BOT_RESUMES = ("Je reprends la conversation. Merci d'avoir échangé avec notre agent ; "
               "puis-je vous aider pour autre chose ?")
TICKET_CLOSED = ("L'agent a clôturé la conversation. Je reste à votre disposition si vous "
                 "avez besoin d'autre chose.")

NOT_DELIVERED_RETRYING = "non remis, nouvel essai automatique en cours"
NOT_DELIVERED_FOR_GOOD = ("non remis après {attempts} essais : il sera renvoyé avec votre "
                          "prochain message")


def reason_label(code: str) -> str:
    return REASONS.get(code, code)


def delivery_label(delivered: bool, failed_for_good: bool, attempts: int) -> str:
    """What the console shows next to an agent message not delivered to the citizen."""
    if delivered:
        return ""
    return NOT_DELIVERED_FOR_GOOD.format(attempts=attempts) if failed_for_good \
        else NOT_DELIVERED_RETRYING
