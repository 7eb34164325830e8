"""One error hierarchy. Every failure a caseworker can meet is an EhcpError carrying an exit code and a hint;
the CLI turns it into a message in exactly one place (cli/__init__.py), so no traceback ever reaches a user."""
from __future__ import annotations

OK = 0
CHECK_FAILED = 1
USAGE = 2


class EhcpError(Exception):
    """Base class. `messages` lets one error carry every problem found, so a caseworker fixes them all at once."""

    exit_code = CHECK_FAILED

    def __init__(self, message: str, *, hint: str | None = None, messages: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.messages = list(messages or [])


class InvalidPlan(EhcpError):
    """A plan, meeting record or other input file failed validation."""


class InputError(EhcpError):
    """An input file could not be read safely (bad YAML, too large, aliases, ...)."""

    yaml_mark: object = None  # for YAML that does not parse: where the parser stopped (fileio.YamlMark)


class UsageError(EhcpError):
    """The command was called wrongly: unknown plan id, bad date, conflicting options."""

    exit_code = USAGE


class NotFound(UsageError):
    """A plan, revision or document the caseworker named does not exist."""


class StoreError(EhcpError):
    """The plan store is missing, locked, damaged or misconfigured."""


class Conflict(StoreError):
    """Someone else changed the plan since it was read: retry rather than overwrite."""


class WorkflowError(EhcpError):
    """A step was taken out of order (for example issuing before representations are possible)."""


class RenderError(EhcpError):
    """A document could not be produced."""


class SendError(EhcpError):
    """A document could not be emailed (the relay unreachable, TLS or login refused, an address refused): nothing
    was recorded."""


def did_you_mean(value: str, choices: list[str] | tuple[str, ...]) -> str | None:
    """"Did you mean X?" for a mistyped name (a command, a role, a plan id), or None when nothing is close."""
    import difflib

    lowered = {c.lower(): c for c in choices}
    found = [lowered[value.lower()]] if value.lower() in lowered else \
        [lowered[m] for m in difflib.get_close_matches(value.lower(), list(lowered), n=3, cutoff=0.6)]
    return f"Did you mean {' or '.join(found)}?" if found else None
