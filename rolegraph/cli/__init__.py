"""The command line: the top layer. Commands parse arguments into typed configs and call the library;
nothing below imports this package."""
