"""Pictures: leg diagrams, charts, illustrations, the handout PDF and photo images (matplotlib)."""
