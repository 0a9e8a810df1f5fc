# hadolint shell=powershell
FROM mcr.microsoft.com/powershell:7.4-debian-12
RUN apt-get install curl
