// The certificates module; see ../shared/ARCHITECTURE.md.
