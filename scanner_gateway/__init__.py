"""scantrack's scanner gateway: interpretation of scans, device sources, sessions, labels."""
