from setuptools import find_packages, setup

COMMANDS = ["clean", "format", "parse", "score", "train", "gloss", "lora"]

setup(
    name="igt-tools",
    version="0.1.0",
    description="Interlinear glossed text with the PolyGloss method, as composable Unix filters",
    packages=find_packages(include=["igt_tools", "igt_tools.*"]),
    # glossing/stems.py: a metalanguage's shipped stem shares (training/stem_shares.py)
    package_data={"igt_tools.glossing": ["stem_shares/*.tsv"]},
    python_requires=">=3.9",
    install_requires=["click>=8.1", "rich>=13", "jsonlines>=4", "sacrebleu>=2.3", "rapidfuzz>=3", "regex"],
    extras_require={
        # torch is installed first (pip install torch==2.13.0), so this range installs nothing more.
        # constraints.txt pins the versions CI tests with (README's set-up).
        "train": ["torch>=2.1", "transformers>=4.40", "peft>=0.10", "safetensors>=0.4"],
        # pytest-randomly: the suite runs in a new order each time (it prints the seed; --randomly-seed=N
        # repeats an order). lxml: the merge tests validate FlexText files against FieldWorks' XSD.
        "test": ["pytest>=7", "pytest-randomly>=3.15", "hypothesis>=6", "glossing==1.0.9", "pycldf>=1.41", "lxml>=4.9"],
        # training/RESULTS.md's plot of the adaptation curves (make -C training results)
        "plot": ["matplotlib>=3.5"],
    },
    # `man igt-gloss` after a pip install (each --help ends by pointing there)
    data_files=[("share/man/man1", [f"man/igt-{name}.1" for name in COMMANDS])],
    entry_points={
        "console_scripts": [f"igt-{name}=igt_tools.commands.{name}:main" for name in COMMANDS],
    },
)
