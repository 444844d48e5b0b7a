"""Clients of the systems the actions call (the municipal back office)."""
