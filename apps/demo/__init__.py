"""Reference data (dictionary, products, stock) and the deterministic demo data generator."""
