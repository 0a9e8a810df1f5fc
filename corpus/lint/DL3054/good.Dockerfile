FROM debian:12
LABEL org.opencontainers.image.licenses="Apache-2.0"
LABEL org.opencontainers.image.licenses="MIT OR (GPL-2.0-or-later AND BSD-3-Clause)"
LABEL org.opencontainers.image.licenses="GPL-2.0-only WITH Classpath-exception-2.0"
LABEL org.opencontainers.image.licenses="LicenseRef-Proprietary"
LABEL org.opencontainers.image.licenses="lgpl-2.1+"
