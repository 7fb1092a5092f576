"""One module per dialog; each depends on the DialogHost protocol (host.py), not on the main window."""
