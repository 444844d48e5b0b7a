"""Household waste flows: collection days by street, bulky-waste booking, recycling centre,
sorting guide and bin requests, all answered from the back office's commune data."""
