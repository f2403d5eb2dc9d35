"""What GPUX's converter driver and its framework modules share (imported, never run by itself).

convert_driver.py runs as __main__; a framework module that imported BadInput from it would load a
second copy of the driver whose BadInput the driver's main() does not catch, and the two would
import each other. Both import this module instead.
"""


class BadInput(Exception):
    """The user's model or options are wrong (not the converter's fault)."""


def rename_io(model, names):
    """Renames graph inputs and outputs (and every use of them) by the mapping."""
    if not names:
        return
    g = model.graph
    for v in list(g.input) + list(g.output):
        v.name = names.get(v.name, v.name)
    for node in g.node:
        for i, n in enumerate(node.input):
            if n in names:
                node.input[i] = names[n]
        for i, n in enumerate(node.output):
            if n in names:
                node.output[i] = names[n]
