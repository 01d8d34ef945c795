// The htpasswd module; see ../shared/ARCHITECTURE.md.
