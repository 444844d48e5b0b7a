"""Printable QR code posters that open Guichet at a given place in town.

Each place of ``communes/<commune>/qr_places.yml`` gets a PNG and an SVG
poster whose QR code encodes ``{base_url}/chat/?lieu={place_id}``, with the
place's name written under the code. Run ``python -m qrposters --help``.
"""
