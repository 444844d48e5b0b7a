"""Pydantic (v1) models of the HTTP API: request bodies and responses."""
