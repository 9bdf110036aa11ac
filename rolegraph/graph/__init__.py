"""The graph store: one typed API over Neo4j and embedded FalkorDB.

`graph.connect.open_store` opens it from settings; `graph.store.GraphStore` is the API (writes there,
reads in `graph.reads`); statements live
in ``cypher/*.cypher``; `graph.loaders` parse and write data sets; `graph.explore` holds the pure math of
the two-hop exploration.
"""
