// The DNS module: DNS-01 providers; see ../shared/ARCHITECTURE.md.
