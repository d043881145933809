"""Migration scripts, oldest first (0001, 0002, ...). Never edit one that has shipped."""
