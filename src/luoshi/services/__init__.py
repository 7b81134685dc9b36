"""Services: use cases that combine the pure stages with the store (import; tracking later)."""
