"""The plan store: a git repository of plans and their journals (see core.py)."""
from ehcp_docs.store.core import Store

__all__ = ["Store"]
