"""The debtor's self-service pages (`/d/`): the personal link of a letter, its second factor, the page of the
case, paying. Part 2 (`actions.py`) adds what the debtor does there (plans, disputes, contacts, consents)."""
