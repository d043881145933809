"""The office's side of customer perception (issue 11): the imports and their tables, the
send list, replies, aggregates and alignment queries. The rules are the pure package
app/programme/perception/; this package only reads and writes the server's tables."""
