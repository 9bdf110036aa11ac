"""The HTTP service (/explore, /explain, /recommend, …). Not built yet; lands with its own issue."""
