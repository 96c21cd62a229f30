"""pandas reports against the service standards: pure DataFrame functions (issue 4)."""
