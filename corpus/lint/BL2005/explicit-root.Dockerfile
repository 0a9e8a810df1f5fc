FROM debian:12-slim
USER root
CMD ["bash"]
