"""Guichet's conversation channels for Rasa.

``channels.messenger.MessengerInput`` connects a Facebook page (Messenger) and
``channels.socketio.SocketIOInput`` serves the town website's chat widget.
Both are declared in ``credentials.yml`` by their import path.
"""
