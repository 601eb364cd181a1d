"""URL configurations of the registry's three faces: the public catalogue, the officials'
workspace and the inter-agency exchange (each included from config/urls.py)."""
