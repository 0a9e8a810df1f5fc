FROM debian AS build
RUN true
FROM registry.example.com:5000/team/app
