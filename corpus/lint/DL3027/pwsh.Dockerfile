FROM mcr.microsoft.com/powershell:7.4-debian-12
SHELL ["pwsh", "-Command"]
RUN apt list --installed | Select-String curl
