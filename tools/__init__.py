"""Developer tooling: starting the whole stack for `make run`, `make shell` and tests."""
