"""cleaner: find and repair the damage machine translation leaves in English articles.

The pipeline reads off the package layout: ``sources`` reads files into ``Document``s, ``detectors``
find ``Finding``s (``findings`` is the one model they share), ``pipeline`` runs them, ``repair`` edits
text, ``report`` renders results, and ``cli`` only wires these together.
"""

__version__ = "0.14.0"
