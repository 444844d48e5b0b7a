"""HTTP routers of the back office, one module per area of the API."""
