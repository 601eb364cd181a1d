"""Backups of the registry's database and the drill that proves they restore
(docs/deployment.md, "Backups")."""
