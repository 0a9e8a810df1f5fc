FROM nginx:1.25
EXPOSE 80/tcp 53/udp 8080
