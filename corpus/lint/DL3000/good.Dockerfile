FROM node:20 AS base
WORKDIR /usr/src/app
WORKDIR lib
FROM base
WORKDIR test
FROM mcr.microsoft.com/windows/servercore:ltsc2022
WORKDIR C:\app
WORKDIR $HOME/app
