"""Fuzzing (run by bench/fuzz.sh, not by `make test`): the OpenAPI surface and the WeChat callback parser."""
