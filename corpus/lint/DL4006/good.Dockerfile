FROM debian:12 AS base
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin
FROM base
RUN wget -qO- https://example.com/key | gpg --dearmor > /k.gpg
FROM debian:12
RUN set -o pipefail && curl -fsSL https://example.com/x | sh
RUN echo "deb http://example.com stable main" | tee /etc/apt/sources.list.d/x.list
RUN yes | apt-get install foo
RUN bash -o pipefail -c 'curl -fsSL https://example.com/y | sh'
FROM debian:12
SHELL ["/bin/bash", "-eo", "pipefail", "-c"]
RUN curl -fsSL https://example.com/z | sh
FROM mcr.microsoft.com/powershell:7.4-ubuntu-22.04
SHELL ["pwsh", "-Command"]
RUN Get-ChildItem | Select-Object Name
