"""Stand-ins for the parts of rich that SAM CLI imports; the check prints nothing through them."""
