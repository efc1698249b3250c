"""Italian rules as pure Python (no Django): interest, allocation, prescription, calendar, codes.

Rate tables and holidays are data files in `data/`, each row with its source.
"""
