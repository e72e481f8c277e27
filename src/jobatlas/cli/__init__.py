"""The command-line interface: option parsing and output only; the work is in the library."""
