"""igt-tools: interlinear glossed text with the PolyGloss method, as Unix filters."""

__version__ = "0.1.0"
