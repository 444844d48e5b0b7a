"""Appointments at the town hall: procedures, free slots, booking, cancelling, moving."""
