"""Support for storyline's tests and benchmarks, kept out of the wheel (pyproject's package
discovery lists `storyline` alone): `generate`, the synthetic corpus behind `storyline bench
generate` and the scale benchmarks. It may import anything of storyline; storyline imports it only
in that one command, which needs a source checkout."""
