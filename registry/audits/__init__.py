"""Mystery-shopper audits (issue 15 point 2): checklist, writes, reads and the demo audits."""
