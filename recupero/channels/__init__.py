"""Communications, documents and delivery evidence."""
