"""Normalisers: pure functions on values, cached on distinct inputs."""
