FROM debian:12
LABEL maintainer="Jane Doe"
LABEL maintainer="jane@"
LABEL maintainer="jane..doe@example.com"
