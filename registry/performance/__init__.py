"""How services are delivered in practice against their standards (issue 15, points 3–4): monthly
figures from the delivery rollup, quality indicators against their targets, server-rendered
charts with the same figures as tables and downloads, and the hook (``sources``) through which
ratings and mystery-shopper audits add their sections."""
