FROM node:20
CMD ["node", "server.js"]
ENTRYPOINT ["/docker-entrypoint.sh"]
FROM mcr.microsoft.com/powershell:7.4-ubuntu-22.04 AS ps
SHELL ["pwsh", "-Command"]
CMD Write-Host hello
FROM ps
ENTRYPOINT Write-Host hi
