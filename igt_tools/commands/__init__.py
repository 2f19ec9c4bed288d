"""The igt-* commands: one module each, a thin click layer over the library."""
