"""councilwatch.nlp: the spaCy stage that finds councils, suppliers, money, services,
arrangements and contracts.

Example:
    >>> from councilwatch.nlp import NLP_VERSION
    >>> isinstance(NLP_VERSION, str)
    True
"""

NLP_VERSION = "0.3.0"

__all__ = ["NLP_VERSION"]
