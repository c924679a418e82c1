"""What a learner keeps: the SQLite store, the practice log and safe file access."""
