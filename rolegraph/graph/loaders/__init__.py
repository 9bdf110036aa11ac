"""Data loaders: parse a source into validated records (with bad rows and their line numbers), then write.

Parsing never touches the database; `graph.loaders.write.write_dataset` writes what parsed cleanly, so a
file with bad rows leaves no half-written row behind.
"""
