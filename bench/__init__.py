"""Benchmarks and the scale-data generator."""
