"""Domain logic of the back office (booking, cases, look-ups), independent of HTTP."""
