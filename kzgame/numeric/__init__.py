"""Numeric backends generated from a game's symbolic gains: point solver, kernels, chunking."""
