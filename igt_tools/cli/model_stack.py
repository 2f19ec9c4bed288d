"""Whether the model stack (torch, transformers, peft, safetensors) is installed, without importing it.

`pip install -e .` alone gives the model-free commands; a command that needs
a model says, in one line, what to install instead of dying in an import.
"""

import importlib.util

from ..core.errors import MissingDependency

# torch first: it is installed on its own (the right build for the machine), then the train extra.
MODEL_STACK = ("torch", "transformers", "peft", "safetensors")
INSTALL_EXTRA = "pip install 'igt-tools[train]' (pip install -e '.[train]' in a checkout)"


def missing_model_stack():
    """The packages of the model stack that are not installed, in install order."""
    return [name for name in MODEL_STACK if importlib.util.find_spec(name) is None]


def require_model_stack(what=None):
    """MissingDependency naming what to install unless the whole stack is there.

    `what`: the option that needs it ("--model"); None when the command always does.
    """
    missing = missing_model_stack()
    if not missing:
        return
    names = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
    steps = "pip install torch first, then the train extra, " if "torch" in missing else "install the train extra, "
    raise MissingDependency(f"{what + ' needs' if what else 'needs'} {names}, not installed here: {steps}{INSTALL_EXTRA}")
