"""ehcp-docs: EHC plans as data in git, with the statutory calendar and the letters families receive."""

__version__ = "0.1.0"
