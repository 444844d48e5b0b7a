"""French wording that the channels themselves show to citizens.

Everything a citizen can read that does not come from the bot's domain lives
here, so that it can be reviewed (and adapted by a commune) in one place.
"""

# Sent when a citizen sends a photo, a sticker, a voice message or a file.
ONLY_TEXT = (
    "Merci pour votre envoi. Pour le moment, je ne sais lire que les messages "
    "écrits : pouvez-vous décrire votre demande en quelques mots ?"
)

# Sent when the bot could not process a message because of an internal error.
TECHNICAL_PROBLEM = (
    "Désolé, un problème technique m'empêche de vous répondre pour l'instant. "
    "Pouvez-vous réessayer dans quelques minutes ?"
)

# Quick reply that shows the next page of choices.
MORE_CHOICES = "Plus de choix"

# Text of the message that carries the next page of choices.
NEXT_CHOICES = "Voici d'autres choix :"

# Text of the extra button messages when more than three buttons are needed.
OTHER_CHOICES = "Autres choix :"

# Text used when the bot sends buttons without any text.
CHOOSE = "Choisissez une réponse :"

# Sent when a citizen taps "Plus de choix" on choices that were forgotten.
CHOICES_EXPIRED = (
    "Désolé, ces choix ne sont plus disponibles. "
    "Pouvez-vous reformuler votre demande ?"
)

# Heading of the list that gives the full wording of shortened choices.
CHOICES_LEGEND = "Choix possibles :"
