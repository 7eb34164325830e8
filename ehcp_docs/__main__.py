"""`python -m ehcp_docs` runs the same CLI as the `ehcp` console script."""
from ehcp_docs.cli import main

if __name__ == "__main__":
    main()
