"""The REST routes, one module per concern; each page of the dashboard reads only these."""
