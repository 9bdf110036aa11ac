"""The `rolegraph` command line."""
