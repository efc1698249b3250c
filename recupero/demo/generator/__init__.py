"""The demo's row generator, by what changes together: `columns` (the tables and their owners' writers), `values`
euros, references, random picks), `debtors` (debtors and contact points), `cases` (cases, claims, events, books,
timeline), `chunks` (`ChunkGenerator`, one deterministic chunk at a time). The loader imports from here."""

from recupero.demo.generator.chunks import ChunkGenerator
from recupero.demo.generator.columns import CHUNK, TABLES, WRITERS
from recupero.demo.generator.values import Counters, CreditorRef

__all__ = ["CHUNK", "TABLES", "WRITERS", "ChunkGenerator", "Counters", "CreditorRef"]
