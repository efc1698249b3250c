"""Pure Python for the channels app (no Django): PEC receipt parsing and the rules around evidence."""
