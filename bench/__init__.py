"""Benchmarks, load and fault tests of lingong against peer references (see bench/README.md)."""
