"""Reads of the strategies app, by what changes together:

- `chunks` — the portfolio as planner snapshots, chunk by chunk (`iter_chunks`), read one chunk ahead in a
  thread through `core.pipeline.prefetched`;
- `sql` — the raw SQL reads of a chunk (cases, creditors, contact points, claims, acts, conversations);
- `deadlines` — prescription deadlines through the law engine's batch path, memoised for the run;
- `history` — the steps already recorded, with their effects' outcomes;
- `pages` — recent runs and a case's steps for the back-office.
"""

from recupero.strategies.selectors.chunks import Chunk, iter_chunks
from recupero.strategies.selectors.pages import case_steps, runs_recent
from recupero.strategies.selectors.sql import ContactRef

__all__ = ["Chunk", "ContactRef", "case_steps", "iter_chunks", "runs_recent"]
