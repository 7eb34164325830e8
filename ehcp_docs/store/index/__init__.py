"""The store index: what `due`, `lists`, `render --all --due-in` and `overdue` need from every plan, each plan's
commits for `ehcp log`, and each committed plan file's problems, cached so that a store of 20,000 plans and 700,000
commits answers in well under a second, and so that it can never go stale.

- cache.py    the SQLite file in `<store>/.git/ehcp-index/`, packed payloads, the fingerprints of the code
- facts.py    the calendar across the store (every plan's due-list line or drift facts)
- answers.py  whole answers of `sen2`, `stats` and `report` per question, brought up to date plan by plan
- planlog.py  each plan's commits (`ehcp log`)
- checked.py  each committed plan file's problems (`validate --all`, store/checks.py)

Why it cannot go stale: every row is keyed by content ids read from HEAD at the moment of the command, and by the
code and options that computed it. A plan edited by hand and committed with plain git has a new tree id, so it is
re-read; uncommitted edits are ignored, as everywhere else (commands read the committed state). A change to the
code that parses plans or computes the calendar changes the fingerprints and empties the index.

Why a damaged index cannot give a wrong answer: every stored payload is zlib-compressed (a damaged byte fails its
checksum) and carries the key it was written for, checked on reading; a row that fails is recomputed. A file
SQLite cannot read is deleted and rebuilt. When the folder cannot be written (a read-only store) the answer is
computed without it, and anything unexpected falls back to the plain computation, never to a wrong answer.

Plans the index cannot summarise (a plan or journal that does not parse, or a computation that raises) are never
cached: the caller computes them the plain way, so errors and their order are exactly what they would be without
the index. EHCP_INDEX=0 switches the index off (for comparisons and troubleshooting); `clear` deletes it."""
from ehcp_docs.store.index.answers import answer, cached_bytes
from ehcp_docs.store.index.cache import DIRNAME, FILENAME, IndexedStore, clear, code_fingerprint, context_key, enabled
from ehcp_docs.store.index.checked import checked_get, checked_put
from ehcp_docs.store.index.facts import Calendar, calendar, prune_event, summarise
from ehcp_docs.store.index.planlog import plan_log, warm_log

__all__ = ["answer", "cached_bytes",
           "DIRNAME", "FILENAME", "IndexedStore", "clear", "code_fingerprint", "context_key", "enabled",
           "checked_get", "checked_put", "Calendar", "calendar", "prune_event", "summarise", "plan_log", "warm_log"]
