"""Guichet municipal back office: the HTTP service behind the assistant.

It holds appointments, citizen cases (urbanism, civil status, reports, waste
requests) and serves the commune's reference data to the Rasa action server.
The app factory lives in :mod:`backoffice.app`.
"""
