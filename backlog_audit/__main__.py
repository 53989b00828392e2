"""`python -m backlog_audit` runs the command line."""

from backlog_audit.cli import main

if __name__ == "__main__":
    main()
