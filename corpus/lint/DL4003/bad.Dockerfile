FROM nginx:1.25
CMD ["nginx"]
CMD ["nginx", "-g", "daemon off;"]
