"""Load and latency benchmarks of the running Guichet stack (`make bench`)."""
