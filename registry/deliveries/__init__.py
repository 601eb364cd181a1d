"""Delivery records: what really happened to applicants' requests, measured against the standard.

``rows`` is the contract between the readers of intake files (CSV, Excel, XML) and the storage:
readers turn each line of a file into a validated ``DeliveryRow``; the storage writes them."""
