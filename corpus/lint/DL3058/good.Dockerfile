FROM debian:12
LABEL maintainer="jane.doe+docker@example.com"
LABEL maintainer="ops@[192.0.2.1]"
